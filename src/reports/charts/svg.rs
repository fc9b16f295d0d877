//! A small SVG writer for the report charts: elements with attributes and children, every text
//! and attribute value escaped, numbers written short, and a linear scale from data to page
//! units. Nothing here knows about reports; [`super`] draws the charts with it.

use std::fmt::Write as _;

use crate::content::markdown::escape_html;

/// `text` safe inside an XML element or a double-quoted attribute: HTML's escaping, after
/// dropping the control characters (other than tab and line ends) XML 1.0 does not allow.
pub fn escape(text: &str) -> String {
    let allowed: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    escape_html(&allowed)
}

/// A coordinate or length to at most one decimal place, without a trailing ".0".
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".to_owned();
    }
    let rounded = (x * 10.0).round() / 10.0;
    if rounded == 0.0 {
        // Also -0.0, which would print as "-0".
        "0".to_owned()
    } else if rounded == rounded.trunc() {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// Maps a data interval onto a page interval (the range may run backwards, as a y axis does).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    domain: (f64, f64),
    range: (f64, f64),
}

impl Scale {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        Self { domain, range }
    }

    /// The page position of `value`, clamped to the range so a value outside the domain stays
    /// on the chart.
    pub fn at(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        let span = d1 - d0;
        let t = if span == 0.0 {
            0.0
        } else {
            ((value - d0) / span).clamp(0.0, 1.0)
        };
        r0 + t * (r1 - r0)
    }

    /// Tick values every `step` from the domain's start to its end, both included.
    pub fn ticks(&self, step: f64) -> Vec<f64> {
        let (d0, d1) = self.domain;
        if step <= 0.0 || d1 < d0 {
            return Vec::new();
        }
        let count = ((d1 - d0) / step + 1e-9).floor() as usize;
        (0..=count).map(|i| d0 + i as f64 * step).collect()
    }
}

/// One SVG element: a name, attributes in order, and children.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    name: &'static str,
    attributes: Vec<(&'static str, String)>,
    children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            attributes: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Adds an attribute (escaped when written).
    pub fn attr(mut self, name: &'static str, value: impl ToString) -> Self {
        self.attributes.push((name, value.to_string()));
        self
    }

    /// Adds a numeric attribute, written short.
    pub fn at(self, name: &'static str, value: f64) -> Self {
        self.attr(name, num(value))
    }

    pub fn child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    pub fn push(&mut self, child: Element) {
        self.children.push(Node::Element(child));
    }

    /// Adds text content (escaped when written).
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.children.push(Node::Text(text.into()));
        self
    }

    pub fn write(&self, out: &mut String) {
        let _ = write!(out, "<{}", self.name);
        for (name, value) in &self.attributes {
            let _ = write!(out, " {name}=\"{}\"", escape(value));
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for child in &self.children {
            match child {
                Node::Element(e) => e.write(out),
                Node::Text(t) => out.push_str(&escape(t)),
            }
        }
        let _ = write!(out, "</{}>", self.name);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

/// Text at (`x`, `y`) in the charts' type.
pub fn text(x: f64, y: f64, content: impl Into<String>) -> Element {
    Element::new("text").at("x", x).at("y", y).text(content)
}

pub fn line(x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) -> Element {
    Element::new("line")
        .at("x1", x1)
        .at("y1", y1)
        .at("x2", x2)
        .at("y2", y2)
        .attr("stroke", stroke)
        .at("stroke-width", width)
}

pub fn rect(x: f64, y: f64, width: f64, height: f64, fill: &str) -> Element {
    Element::new("rect")
        .at("x", x)
        .at("y", y)
        .at("width", width.max(0.0))
        .at("height", height.max(0.0))
        .attr("fill", fill)
}

/// The root `<svg>`: its accessible name is its `<title>` and its description the `<desc>`
/// (`role="img"`, `aria-labelledby` both), with `id` prefixing their ids so several charts can
/// share a page. `body` is drawn after them.
pub fn document(
    id: &str,
    size: (f64, f64),
    title: &str,
    description: &str,
    body: Vec<Element>,
) -> String {
    let (width, height) = size;
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let mut root = Element::new("svg")
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("id", id)
        .attr("class", "app-chart__svg")
        .attr("viewBox", format!("0 0 {} {}", num(width), num(height)))
        .at("width", width)
        .at("height", height)
        .attr("role", "img")
        .attr("aria-labelledby", format!("{title_id} {desc_id}"))
        .attr("font-family", "Frutiger W01, Arial, sans-serif")
        .attr("font-size", "14")
        .attr("fill", "#212b32")
        .child(Element::new("title").attr("id", title_id).text(title))
        .child(Element::new("desc").attr("id", desc_id).text(description))
        .child(rect(0.0, 0.0, width, height, "#ffffff"));
    for element in body {
        root.push(element);
    }
    root.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(
            escape(r#"<b>"A&E" & 'GP'</b>"#),
            "&lt;b&gt;&quot;A&amp;E&quot; &amp; &#39;GP&#39;&lt;/b&gt;"
        );
        assert_eq!(escape("bell\u{7}ed"), "belled");
        let e = Element::new("text")
            .attr("data-x", "\"><script>")
            .text("</text><script>alert(1)</script>");
        assert_eq!(
            e.render(),
            "<text data-x=\"&quot;&gt;&lt;script&gt;\">&lt;/text&gt;&lt;script&gt;alert(1)\
             &lt;/script&gt;</text>"
        );
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.34), "12.3");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(-3.26), "-3.3");
        assert_eq!(num(-10.0), "-10");
        assert_eq!(num(-0.5), "-0.5");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn a_scale_maps_clamps_and_runs_backwards() {
        let x = Scale::new((0.0, 100.0), (200.0, 600.0));
        assert_eq!(x.at(0.0), 200.0);
        assert_eq!(x.at(25.0), 300.0);
        assert_eq!(x.at(100.0), 600.0);
        assert_eq!(x.at(150.0), 600.0);
        assert_eq!(x.at(-5.0), 200.0);
        let y = Scale::new((0.0, 100.0), (300.0, 20.0));
        assert_eq!(y.at(0.0), 300.0);
        assert_eq!(y.at(50.0), 160.0);
        assert_eq!(y.at(100.0), 20.0);
        assert_eq!(x.ticks(25.0), vec![0.0, 25.0, 50.0, 75.0, 100.0]);
        let g = Scale::new((-0.5, 1.0), (0.0, 300.0));
        assert_eq!(g.at(0.0), 100.0);
        assert_eq!(g.ticks(0.5), vec![-0.5, 0.0, 0.5, 1.0]);
        assert!(Scale::new((1.0, 0.0), (0.0, 1.0)).ticks(0.5).is_empty());
        assert_eq!(Scale::new((5.0, 5.0), (0.0, 10.0)).at(5.0), 0.0);
    }

    #[test]
    fn a_document_is_named_by_its_title_and_description() {
        let svg = document(
            "chart-1",
            (300.0, 100.0),
            "Knowledge & target",
            "Nurses <Adult>: 70%",
            vec![text(1.0, 2.0, "x")],
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart-1\""));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-labelledby=\"chart-1-title chart-1-desc\""));
        assert!(svg.contains("<title id=\"chart-1-title\">Knowledge &amp; target</title>"));
        assert!(svg.contains("<desc id=\"chart-1-desc\">Nurses &lt;Adult&gt;: 70%</desc>"));
        assert!(svg.contains("<text x=\"1\" y=\"2\">x</text>"));
        assert!(svg.ends_with("</svg>"));
    }
}
