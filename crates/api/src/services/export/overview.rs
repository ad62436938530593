//! The readable overview of an export, written twice as the data streams past: an HTML document
//! that prints well (`overzicht.html`, with the photos beside it) and a PDF (`overzicht.pdf`).
//! Both get the same calls — a title, sections, items, facts — so they say the same.

use std::io::{self, Write};

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

/// What both overviews can show.
pub trait Overview {
    /// The document's title and the line under it.
    fn title(&mut self, title: &str, subtitle: &str) -> io::Result<()>;
    /// A part: *Dossier*, *Agenda*, …
    fn section(&mut self, heading: &str) -> io::Result<()>;
    /// A sentence under a section, e.g. "Geen berichten in deze maanden."
    fn note(&mut self, text: &str) -> io::Result<()>;
    /// Label–value pairs, e.g. the client's details.
    fn facts(&mut self, rows: &[(String, String)]) -> io::Result<()>;
    /// One entry: a heading, a line about when and who, and its text (line breaks kept).
    fn item(&mut self, heading: &str, meta: &str, body: &str) -> io::Result<()>;
    /// A photo stored in the ZIP at `path` (relative to the overview).
    fn photo(&mut self, path: &str, alt: &str) -> io::Result<()>;
    /// An attached file stored in the ZIP at `path`.
    fn file(&mut self, path: &str, name: &str) -> io::Result<()>;
}

/// The HTML overview, written as it goes.
pub struct Html<W: Write> {
    out: W,
    open_section: bool,
}

fn esc(text: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_text(text)
}

fn attr(text: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_double_quoted_attribute(text)
}

impl<W: Write> Html<W> {
    /// Starts the document in `language` (`nl` or `en`).
    pub fn new(mut out: W, language: &str, title: &str) -> io::Result<Html<W>> {
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n<main>\n",
            attr(language),
            esc(title),
            STYLE
        )?;
        Ok(Html {
            out,
            open_section: false,
        })
    }

    /// Closes the document and hands back the writer.
    pub fn finish(mut self) -> io::Result<W> {
        if self.open_section {
            self.out.write_all(b"</section>\n")?;
        }
        self.out.write_all(b"</main>\n</body>\n</html>\n")?;
        Ok(self.out)
    }
}

/// Calm, readable on screen and on paper: one column, large type, no page break inside an item.
const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;\
font-size:18px;line-height:1.5;color:#1f1f1f;background:#fff;margin:0}\n\
main{max-width:46rem;margin:0 auto;padding:1.5rem}\n\
h1{font-size:1.8rem;margin:0 0 .25rem}h2{font-size:1.4rem;border-bottom:2px solid #1d5b79;\
padding-bottom:.25rem;margin-top:2.5rem}h3{font-size:1.1rem;margin:0}\n\
.sub{color:#4a4a4a;margin:0 0 1.5rem}.meta{color:#4a4a4a;font-size:.95rem;margin:.1rem 0 .5rem}\n\
article{border:1px solid #d0d0d0;border-radius:8px;padding:.75rem 1rem;margin:.75rem 0;\
break-inside:avoid}\n.body{white-space:pre-wrap;margin:0}\n\
dl{display:grid;grid-template-columns:minmax(0,max-content) minmax(0,1fr);gap:.25rem 1rem}\
dt{font-weight:600}dd{margin:0}dt,dd,p,h1,h2,h3{overflow-wrap:anywhere}\n\
@media (max-width:30rem){dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}}\n\
img{max-width:100%;height:auto;border-radius:6px;margin:.5rem 0}\n\
@media print{body{font-size:12pt}main{max-width:none;padding:0}h2{break-after:avoid}}\n";

impl<W: Write> Overview for Html<W> {
    fn title(&mut self, title: &str, subtitle: &str) -> io::Result<()> {
        write!(
            self.out,
            "<h1>{}</h1>\n<p class=\"sub\">{}</p>\n",
            esc(title),
            esc(subtitle)
        )
    }

    fn section(&mut self, heading: &str) -> io::Result<()> {
        if self.open_section {
            self.out.write_all(b"</section>\n")?;
        }
        self.open_section = true;
        write!(self.out, "<section>\n<h2>{}</h2>\n", esc(heading))
    }

    fn note(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "<p>{}</p>", esc(text))
    }

    fn facts(&mut self, rows: &[(String, String)]) -> io::Result<()> {
        self.out.write_all(b"<dl>\n")?;
        for (label, value) in rows {
            writeln!(self.out, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(value))?;
        }
        self.out.write_all(b"</dl>\n")
    }

    fn item(&mut self, heading: &str, meta: &str, body: &str) -> io::Result<()> {
        write!(
            self.out,
            "<article>\n<h3>{}</h3>\n<p class=\"meta\">{}</p>\n",
            esc(heading),
            esc(meta)
        )?;
        if !body.trim().is_empty() {
            writeln!(self.out, "<p class=\"body\">{}</p>", esc(body.trim()))?;
        }
        self.out.write_all(b"</article>\n")
    }

    fn photo(&mut self, path: &str, alt: &str) -> io::Result<()> {
        writeln!(
            self.out,
            "<img src=\"{}\" alt=\"{}\" loading=\"lazy\">",
            attr(path),
            attr(alt)
        )
    }

    fn file(&mut self, path: &str, name: &str) -> io::Result<()> {
        writeln!(
            self.out,
            "<p><a href=\"{}\">{}</a></p>",
            attr(path),
            esc(name)
        )
    }
}

/// A4 in points, with 56 pt (2 cm) margins.
const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;

/// The PDF overview. Text is set in the standard Helvetica with WinAnsi encoding (every Dutch
/// letter is in it), so no font file is embedded; lines are wrapped on an average letter width.
pub struct PdfOverview {
    pages: Vec<Vec<u8>>,
    content: Content,
    y: f32,
    title: String,
}

impl PdfOverview {
    pub fn new(title: &str) -> PdfOverview {
        PdfOverview {
            pages: Vec::new(),
            content: Content::new(),
            y: PAGE_HEIGHT - MARGIN,
            title: title.to_owned(),
        }
    }

    /// Finishes the page being written: compressed now (Flate), so a long overview holds
    /// little in memory until the document is put together.
    fn new_page(&mut self) {
        let done = std::mem::replace(&mut self.content, Content::new());
        self.pages.push(miniz_oxide::deflate::compress_to_vec_zlib(
            &done.finish(),
            6,
        ));
        self.y = PAGE_HEIGHT - MARGIN;
    }

    /// Writes `text` wrapped at the page width, in `size` pt, bold or not, `indent` pt in.
    fn text(&mut self, text: &str, size: f32, bold: bool, indent: f32) {
        let leading = size * 1.35;
        // Helvetica's letters average about half their size in width; bold a little more.
        let average = size * if bold { 0.56 } else { 0.52 };
        let columns = (((PAGE_WIDTH - 2.0 * MARGIN - indent) / average) as usize).max(20);
        for paragraph in text.lines() {
            for line in wrap(paragraph, columns) {
                if self.y - leading < MARGIN {
                    self.new_page();
                }
                self.y -= leading;
                let font = if bold { Name(b"F2") } else { Name(b"F1") };
                self.content
                    .begin_text()
                    .set_font(font, size)
                    .next_line(MARGIN + indent, self.y)
                    .show(Str(&win_ansi(&line)))
                    .end_text();
            }
        }
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
        if self.y < MARGIN {
            self.new_page();
        }
    }

    /// The finished PDF.
    pub fn finish(mut self) -> Vec<u8> {
        self.new_page();
        let mut pdf = Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        let mut next = 6;
        let mut page_ids = Vec::with_capacity(self.pages.len());
        let mut content_ids = Vec::with_capacity(self.pages.len());
        for _ in &self.pages {
            page_ids.push(Ref::new(next));
            content_ids.push(Ref::new(next + 1));
            next += 2;
        }
        pdf.catalog(catalog).pages(tree);
        pdf.document_info(info)
            .title(pdf_writer::TextStr(&self.title))
            .producer(pdf_writer::TextStr("Kring"));
        pdf.pages(tree)
            .kids(page_ids.iter().copied())
            .count(page_ids.len() as i32);
        pdf.type1_font(regular)
            .base_font(Name(b"Helvetica"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        pdf.type1_font(bold)
            .base_font(Name(b"Helvetica-Bold"))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
        for ((page_id, content_id), content) in page_ids.iter().zip(&content_ids).zip(&self.pages) {
            let mut page = pdf.page(*page_id);
            page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
            page.parent(tree);
            page.contents(*content_id);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            fonts.pair(Name(b"F1"), regular);
            fonts.pair(Name(b"F2"), bold);
            fonts.finish();
            resources.finish();
            page.finish();
            pdf.stream(*content_id, content).filter(Filter::FlateDecode);
        }
        pdf.finish()
    }
}

impl Overview for PdfOverview {
    fn title(&mut self, title: &str, subtitle: &str) -> io::Result<()> {
        self.text(title, 20.0, true, 0.0);
        self.text(subtitle, 11.0, false, 0.0);
        self.gap(12.0);
        Ok(())
    }

    fn section(&mut self, heading: &str) -> io::Result<()> {
        self.gap(14.0);
        self.text(heading, 15.0, true, 0.0);
        self.gap(4.0);
        Ok(())
    }

    fn note(&mut self, text: &str) -> io::Result<()> {
        self.text(text, 10.5, false, 0.0);
        Ok(())
    }

    fn facts(&mut self, rows: &[(String, String)]) -> io::Result<()> {
        for (label, value) in rows {
            self.text(&format!("{label}: {value}"), 10.5, false, 0.0);
        }
        Ok(())
    }

    fn item(&mut self, heading: &str, meta: &str, body: &str) -> io::Result<()> {
        self.gap(6.0);
        self.text(heading, 11.5, true, 0.0);
        self.text(meta, 9.5, false, 0.0);
        if !body.trim().is_empty() {
            self.text(body.trim(), 10.5, false, 8.0);
        }
        Ok(())
    }

    fn photo(&mut self, path: &str, alt: &str) -> io::Result<()> {
        self.text(&format!("[{alt}: {path}]"), 9.5, false, 8.0);
        Ok(())
    }

    fn file(&mut self, path: &str, name: &str) -> io::Result<()> {
        self.text(&format!("[{name}: {path}]"), 9.5, false, 8.0);
        Ok(())
    }
}

/// Breaks `text` into lines of at most `columns` characters, at spaces where it can.
fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word;
        // A word longer than a line is cut.
        while word.chars().count() > columns {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let cut = word
                .char_indices()
                .nth(columns)
                .map_or(word.len(), |(at, _)| at);
            lines.push(word[..cut].to_owned());
            word = &word[cut..];
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > columns {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` in WinAnsiEncoding (Windows-1252): Latin-1 letters as they are, the typographic
/// quotes, dashes, euro sign and ellipsis at their places, anything else as `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '\t' => b' ',
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wrap_at_spaces_and_long_words_are_cut() {
        assert_eq!(wrap("een twee drie", 8), ["een twee", "drie"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn dutch_letters_and_dashes_are_win_ansi() {
        assert_eq!(win_ansi("café – ë"), b"caf\xe9 \x96 \xeb");
        assert_eq!(win_ansi("中"), b"?");
    }

    #[test]
    fn the_html_escapes_what_it_is_given() {
        let mut html = Html::new(Vec::new(), "nl", "<x>").unwrap();
        html.item("<b>", "\"", "a & b").unwrap();
        let out = String::from_utf8(html.finish().unwrap()).unwrap();
        assert!(out.contains("&lt;b&gt;") && out.contains("a &amp; b"));
        assert!(!out.contains("<b>"));
    }

    #[test]
    fn the_pdf_is_a_pdf_with_a_page_per_screenful() {
        let mut pdf = PdfOverview::new("Test");
        for n in 0..200 {
            pdf.item(&format!("Rapportage {n}"), "maandag", "Tekst")
                .unwrap();
        }
        let bytes = pdf.finish();
        assert!(bytes.starts_with(b"%PDF-"));
        let pages = bytes.windows(10).filter(|w| w == b"/Type /Pag").count();
        assert!(pages > 5, "{pages}");
        // Every page's text is compressed, and reads back.
        let streams = bytes.windows(12).filter(|w| w == b"/FlateDecode").count();
        assert_eq!(
            streams,
            pages - 1,
            "one per page (the page tree is not a stream)"
        );
        let start = bytes.windows(7).position(|w| w == b"stream\n").unwrap() + 7;
        let text = miniz_oxide::inflate::decompress_to_vec_zlib(&bytes[start..]).ok();
        assert!(text.is_some_and(|text| text.windows(10).any(|w| w == b"Rapportage")));
    }
}
