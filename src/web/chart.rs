//! Small charts drawn on the server as SVG: no script, no library, readable
//! by screen readers (a title, a description and a table beside it).

use std::fmt::Write;

use crate::metrics::chart::{escape, nice_step};

/// One group of bars: a label and a value per series.
#[derive(Debug, Clone)]
pub struct Group {
    pub label: String,
    pub values: Vec<i64>,
}

/// Bars side by side per group, one colour per series (CSS classes
/// `series-0`, `series-1`, …), with a value axis from zero.
pub fn grouped_bars(title: &str, series: &[&str], groups: &[Group]) -> String {
    const W: f64 = 560.0;
    const H: f64 = 220.0;
    const LEFT: f64 = 36.0;
    const BOTTOM: f64 = 28.0;
    const TOP: f64 = 24.0;
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let step = nice_step(max);
    let top_value = (max + step - 1) / step * step;
    let plot_h = H - BOTTOM - TOP;
    let y = |v: i64| TOP + plot_h * (1.0 - v as f64 / top_value as f64);
    let slot = (W - LEFT) / groups.len().max(1) as f64;
    let bar = (slot * 0.7) / series.len().max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{}" preserveAspectRatio="xMinYMin meet"><title>{}</title>"#,
        escape(title),
        escape(title)
    );
    let mut v = 0;
    while v <= top_value {
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{W}" y1="{y:.1}" y2="{y:.1}"/><text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{v}</text>"#,
            LEFT - 6.0,
            y(v) + 4.0,
            y = y(v)
        );
        v += step;
    }
    for (i, g) in groups.iter().enumerate() {
        let x0 = LEFT + slot * i as f64 + slot * 0.15;
        for (s, value) in g.values.iter().enumerate() {
            let x = x0 + bar * s as f64;
            let _ = write!(
                svg,
                r#"<rect class="series-{s}" x="{x:.1}" y="{:.1}" width="{:.1}" height="{:.1}"><title>{}: {} {value}</title></rect>"#,
                y(*value),
                bar - 1.0,
                y(0) - y(*value),
                escape(&g.label),
                escape(series.get(s).copied().unwrap_or("")),
            );
        }
        let _ = write!(
            svg,
            r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            LEFT + slot * i as f64 + slot / 2.0,
            H - 8.0,
            escape(&g.label)
        );
    }
    for (s, name) in series.iter().enumerate() {
        let x = LEFT + 130.0 * s as f64;
        let _ = write!(
            svg,
            r#"<rect class="series-{s}" x="{x}" y="4" width="12" height="12"/><text class="legend" x="{}" y="14">{}</text>"#,
            x + 16.0,
            escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_a_round_axis_and_escape_labels() {
        let groups = vec![
            Group {
                label: "<w1>".into(),
                values: vec![10, 4],
            },
            Group {
                label: "w2".into(),
                values: vec![0, 37],
            },
        ];
        let svg = grouped_bars("Created & resolved", &["Created", "Resolved"], &groups);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Created &amp; resolved"));
        assert!(svg.contains("&lt;w1&gt;") && !svg.contains("<w1>"));
        assert_eq!(
            svg.matches("class=\"series-1\" x=").count(),
            3,
            "two bars and a legend key"
        );
        assert!(
            svg.contains(">40</text>"),
            "the axis ends on a round 40: {svg}"
        );
        assert!(svg.contains("<title>w2: Resolved 37</title>"));
        assert_eq!(nice_step(1), 1);
        assert_eq!(nice_step(37), 10);
        assert_eq!(nice_step(180), 50);
    }
}
