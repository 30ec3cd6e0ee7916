//! The report page's parts: its stylesheet (print CSS that fits A4),
//! headline tiles, tables that scroll on a phone, figures, and numbers in
//! words.

use std::fmt::Write;

use super::chart::escape;
use super::month::Month;

/// The standalone document's own rules.
pub const DOCUMENT_STYLE: &str = "
body{font-family:'DejaVu Sans',Arial,sans-serif;color:#222;margin:0;background:#fff;font-size:14px;line-height:1.4}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.2rem 0}
.meta{color:#555;margin:0 0 1rem}
@media print{@page{size:A4;margin:12mm}body{font-size:10pt}main{max-width:none;padding:0}}
";

/// The report's rules, all under `.report` (the web page serves the same
/// from its stylesheet).
pub const REPORT_STYLE: &str = "
.report h2{font-size:1.2rem;border-bottom:2px solid #2f6db5;padding-bottom:.2rem;margin-top:1.6rem}
.report h3{font-size:1rem;margin:1rem 0 .3rem}
.report .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.6rem}
.report .tile{border:1px solid #ccc;border-radius:6px;padding:.5rem .7rem}
.report .tile b{display:block;font-size:1.5rem}.report .tile span{color:#555;font-size:.85rem}
.report .up{color:#1d6b2f}.report .down{color:#a33}
.report figure{margin:.6rem 0}.report figure svg,.report figure img{max-width:100%;height:auto}
.report .table{overflow-x:auto}
.report table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem;font-size:.9rem}
.report th,.report td{border-bottom:1px solid #ddd;padding:.25rem .4rem;text-align:left}
.report td.n,.report th.n{text-align:right;font-variant-numeric:tabular-nums}
.report .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.report dl dt{font-weight:bold;margin-top:.4rem}.report dl dd{margin:0 0 0 1rem;color:#333}
@media print{.report section{break-inside:auto}.report figure,.report table,.report .tiles{break-inside:avoid}.report h2{break-after:avoid}}
";

/// How a chart goes into the page: inline SVG, or (for mail) an image
/// that refers to it.
pub type Embed<'a> = &'a mut dyn FnMut(String) -> String;

/// `October 2026`.
pub fn month_name(m: Month) -> String {
    m.first_day().format("%B %Y").to_string()
}

/// A share as a percentage, `—` when there is none.
pub fn pct(share: Option<f64>) -> String {
    share.map_or("—".into(), |s| format!("{:.1} %", s * 100.0))
}

/// Business seconds in words: `2 h 05 min`, `3 d 4 h` (business days of
/// 24 business hours are not assumed: hours only above a day).
pub fn duration(seconds: Option<i64>) -> String {
    let Some(s) = seconds else {
        return "—".into();
    };
    let (h, m) = (s / 3600, (s % 3600) / 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

pub fn change(now: u64, before: Option<u64>, higher_is_better: bool) -> String {
    let Some(b) = before else {
        return String::new();
    };
    let d = now as i64 - b as i64;
    if d == 0 {
        return "<span>same as the month before</span>".into();
    }
    let good = (d > 0) == higher_is_better;
    format!(
        "<span class=\"{}\">{}{d} against the month before</span>",
        if good { "up" } else { "down" },
        if d > 0 { "+" } else { "" }
    )
}

pub fn share_change(now: Option<f64>, before: Option<f64>, higher_is_better: bool) -> String {
    match (now, before) {
        (Some(n), Some(b)) => {
            // Rounded first, so that a tiny fall does not read "-0.0".
            let d = ((n - b) * 1000.0).round() / 10.0 + 0.0;
            let good = d == 0.0 || (d > 0.0) == higher_is_better;
            let class = if good { "up" } else { "down" };
            format!("<span class=\"{class}\">{d:+.1} points against the month before</span>")
        }
        _ => String::new(),
    }
}

pub fn tile(h: &mut String, label: &str, value: &str, note: &str) {
    let _ = write!(
        h,
        "<div class=\"tile\"><span>{label}</span><b>{value}</b>{note}</div>"
    );
}

/// A table: header cells (a trailing `#` marks a number column) and rows.
pub fn table(h: &mut String, caption: &str, head: &[&str], rows: &[Vec<String>]) {
    let _ = write!(
        h,
        "<div class=\"table\"><table><caption class=\"sr\">{}</caption><thead><tr>",
        escape(caption)
    );
    for c in head {
        let (name, class) = match c.strip_suffix('#') {
            Some(n) => (n, " class=\"n\""),
            None => (*c, ""),
        };
        let _ = write!(h, "<th scope=\"col\"{class}>{}</th>", escape(name));
    }
    h.push_str("</tr></thead><tbody>");
    if rows.is_empty() {
        let _ = write!(
            h,
            "<tr><td colspan=\"{}\">nothing in this month</td></tr>",
            head.len()
        );
    }
    for row in rows {
        h.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let class = if head.get(i).is_some_and(|c| c.ends_with('#')) {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(h, "<td{class}>{}</td>", escape(cell));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div>");
}

pub fn figure(h: &mut String, svg: String, embed: Embed<'_>) {
    let _ = write!(h, "<figure>{}</figure>", embed(svg));
}

pub fn short(month: &str) -> String {
    Month::parse(month)
        .map(|m| m.first_day().format("%b %y").to_string())
        .unwrap_or_else(|_| month.to_owned())
}

/// A code in words: `service_request` → `Service request`.
pub fn words(code: &str) -> String {
    let spaced = code.replace(['_', '-'], " ");
    let mut c = spaced.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
