# Kring: the API (release build) and the web app (trunk, release wasm) in one slim image.
# The same build steps as README's run command (scripts/run).
#   docker build -t kring .
#   docker run -p 8080:8080 -v kring-data:/data kring
# Load demo data into a fresh volume with: docker run -v kring-data:/data kring demo

FROM rust:1.95-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/* \
 && rustup target add wasm32-unknown-unknown \
 && cargo install trunk --version 0.21.14 --locked \
 && cargo install wasm_split_cli_support --version 0.2.4 --features build-binary --locked
COPY Cargo.toml Cargo.lock ./
COPY crates crates
COPY migrations migrations
COPY scripts scripts
RUN cargo install wasm-bindgen-cli --version "$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
RUN cargo fetch --locked
RUN cargo build --release --locked -p kring-api
RUN scripts/build-web

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data kring \
 && mkdir -p /data /app/web && chown kring /data
COPY --from=build /src/target/release/kring /usr/local/bin/kring
COPY --from=build /src/crates/web/dist /app/web
ENV KRING_LISTEN=0.0.0.0:8080 \
    KRING_DATA_DIR=/data \
    KRING_WEB_DIR=/app/web \
    KRING_LOG_FORMAT=json
VOLUME /data
USER kring
WORKDIR /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fs http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["kring"]
CMD ["serve"]
