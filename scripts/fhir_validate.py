"""Validates a FHIR export bundle: a client's data as a FHIR R4 `Bundle` of type `collection`.

    python scripts/fhir_validate.py BUNDLE.json     (or - to read standard input)

The API tests run it, with the Python of the tools venv that scripts/setup fills, on what the
export endpoint returns, so that the export is checked by an independent FHIR implementation
and not only by the Rust code that wrote it. Checked:

- the Bundle and every entry's resource against the R4B models of `fhir.resources` (R4B, FHIR
  4.3.0, is the release nearest to R4 that the package ships): element names, cardinality,
  types, required elements and the formats of primitives (id, date, dateTime, instant, code...);
- what those models let through: codes outside a required binding's fixed list (status, gender,
  ...) and references to an entry whose type the element does not allow (the models list both
  but do not enforce them), primitives of the wrong JSON type ("true" for true, "2" for 2), and
  the null, [], {} and "" that FHIR JSON never has;
- Bundle.type is `collection`; every entry has a fullUrl and a resource with an id; fullUrls and
  ResourceType/id pairs are unique;
- every `reference` string anywhere in a resource resolves within the bundle: to an entry's
  fullUrl or to an entry's ResourceType/id; `#id` to a contained resource of the same resource
  (`#` alone is the resource itself).

Prints {"valid": bool, "resources": {"Patient": 1, ...}, "errors": [...]} on standard output and
exits 0 when valid, 1 when not, 2 when the input is not a JSON Bundle at all.
"""

import json
import re
import sys
from collections import Counter
from decimal import Decimal

from fhir.resources.R4B import get_fhir_model_class
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from pydantic import ValidationError

FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def model_errors(where, resource, targets):
    """Validates one resource (a dict) against its R4B model; returns error dicts. targets maps
    each fullUrl and ResourceType/id of the bundle to its resourceType."""
    try:
        model = get_fhir_model_class(str(resource.get("resourceType")))
    except ValueError:
        return [{"resource": where, "message": "unknown resourceType"}]
    try:
        instance = model.model_validate(resource)
    except ValidationError as error:
        return [
            {
                "resource": where,
                "path": ".".join(str(part) for part in item["loc"]),
                "message": item["msg"],
            }
            for item in error.errors(include_url=False, include_input=False)
        ]
    except Exception as error:  # fhir.resources itself trips over some malformed input
        message = f"not readable by the model: {type(error).__name__}: {error}"
        return [{"resource": where, "message": message}]
    return [{"resource": where, **item} for item in json_errors(instance, resource, "", targets)]


def json_errors(instance, raw, path, targets):
    """Codes outside a required binding's list, references to a type the element does not allow
    and primitives of the wrong JSON type, found by walking a validated model and the JSON it
    came from together."""
    errors = []
    for name, field in type(instance).model_fields.items():
        key = field.alias or name
        if key not in raw:
            continue
        value, raw_value, here = getattr(instance, name), raw[key], path + key
        extra = field.json_schema_extra or {}
        allowed, types = extra.get("enum_values"), extra.get("enum_reference_types", ["Resource"])
        is_list = isinstance(value, list)
        pairs = zip(value, raw_value) if is_list else [(value, raw_value)]
        for index, (item, raw_item) in enumerate(pairs):
            at = f"{here}.{index}" if is_list else here
            if isinstance(item, FHIRAbstractModel):
                target = targets.get(unversioned(getattr(item, "reference", None)))
                if target and "Resource" not in types and target not in types:
                    message = f"reference to {target}, which is not one of {types}"
                    errors.append({"path": at, "message": message})
                errors += json_errors(item, raw_item, at + ".", targets)
            elif item is None:
                continue  # a placeholder in a primitive list, lined up with its _extension
            elif allowed and item not in allowed:
                errors.append({"path": at, "message": f"code {item!r} is not one of {allowed}"})
            elif json_kind(raw_item) != json_kind(item):
                message = f"{json.dumps(raw_item)} should be a JSON {json_kind(item)}"
                errors.append({"path": at, "message": message})
    return errors


def json_kind(value):
    """The JSON type of a primitive, parsed or as read: boolean, number or (all others) string."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, Decimal)):
        return "number"
    return "string"


def unversioned(reference):
    """A versioned reference (.../Type/id/_history/n) points at the same entry."""
    return reference.split("/_history/")[0] if isinstance(reference, str) else None


def members(node, path=""):
    """(path, key, value) of every member of every JSON object in node, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path + key, key, value
            yield from members(value, f"{path}{key}.")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from members(item, f"{path}{index}.")


def empty_errors(where, node):
    """FHIR JSON has no null, [], {} or "" as a value (the models let null, [] and {} through)."""
    return [
        {"resource": where, "path": path, "message": f"empty value {json.dumps(value)}"}
        for path, _, value in members(node)
        if value is None or value in ([], {}, "")
    ]


def without_resource(entry):
    return {k: v for k, v in entry.items() if k != "resource"} if isinstance(entry, dict) else entry


def validate(bundle):
    errors = []
    if bundle.get("type") != "collection":
        message = f"type is {bundle.get('type')!r}, not 'collection'"
        errors.append({"resource": "Bundle", "message": message})
    entries = bundle.get("entry", [])

    # The Bundle itself, without the resources: those are checked one by one below.
    shell = dict(bundle)
    if isinstance(entries, list):
        shell["entry"] = [without_resource(entry) for entry in entries]
    else:
        entries = []  # the model check reports it
    errors += model_errors("Bundle", shell, {})
    errors += empty_errors("Bundle", shell)

    # First the entries themselves, and what each fullUrl and ResourceType/id points at.
    counts, targets, resources = Counter(), {}, []
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            errors.append({"entry": index, "message": "entry has no resource"})
            continue
        type_id = f"{resource.get('resourceType')}/{resource.get('id')}"
        counts[str(resource.get("resourceType"))] += 1
        where = {"entry": index, "resource": type_id}
        if not FHIR_ID.fullmatch(str(resource.get("id", ""))):
            errors.append({**where, "message": "id missing or not 1-64 of A-Z a-z 0-9 - ."})
        full_url = entry.get("fullUrl")
        if not isinstance(full_url, str) or not full_url:
            errors.append({**where, "message": "entry has no fullUrl"})
        elif full_url in targets:
            errors.append({**where, "message": f"duplicate fullUrl {full_url}"})
        else:
            targets[full_url] = str(resource.get("resourceType"))
        if type_id in targets:
            errors.append({**where, "message": "duplicate ResourceType/id"})
        targets[type_id] = str(resource.get("resourceType"))
        resources.append((where, resource))

    # Then each resource, and its references once every target is known.
    for where, resource in resources:
        type_id = where["resource"]
        found = model_errors(type_id, resource, targets) + empty_errors(type_id, resource)
        errors += [{"entry": where["entry"], **error} for error in found]
        contained = resource.get("contained") if isinstance(resource.get("contained"), list) else []
        contained = {str(c.get("id")) for c in contained if isinstance(c, dict)}
        for ref in (v for _, k, v in members(resource) if k == "reference" and isinstance(v, str)):
            if ref.startswith("#"):
                ok = ref == "#" or ref[1:] in contained
            else:
                ok = unversioned(ref) in targets
            if not ok:
                errors.append({**where, "message": f"unresolved reference {ref}"})

    return {"valid": not errors, "resources": dict(sorted(counts.items())), "errors": errors}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        if argv[1] == "-":
            bundle = json.load(sys.stdin)
        else:
            with open(argv[1], encoding="utf-8") as handle:
                bundle = json.load(handle)
        is_bundle = isinstance(bundle, dict) and bundle.get("resourceType") == "Bundle"
        problem = None if is_bundle else "input is not a FHIR Bundle"
    except (OSError, ValueError) as error:
        problem = f"cannot read {argv[1]}: {error}"
    if problem:
        print(json.dumps({"valid": False, "resources": {}, "errors": [{"message": problem}]}))
        return 2
    summary = validate(bundle)
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0 if summary["valid"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
