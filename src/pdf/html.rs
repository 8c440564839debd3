//! The body HTML as a tree, from `html5gum`'s tokens. The HTML is our own renderer's, with
//! the editor's raw HTML in it, which may be anything: end tags with no start are ignored,
//! elements left open are closed by their parent's end, and the tree is never deeper than
//! [`MAX_DEPTH`] (deeper elements become their parent's siblings).

use html5gum::{DefaultEmitter, Token, Tokenizer};
use std::ops::Range;

/// How deep the tree goes, so that translating it cannot exhaust the stack, and Typst's
/// layout (which has a depth limit of its own, each element being a few of its levels) never
/// meets its limit: 24 is twelve nested lists, or 24 nested quotations.
pub const MAX_DEPTH: usize = 24;

#[derive(Debug)]
pub enum Node {
    Element(Element),
    Text(String),
}

#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
    /// From the start of its start tag to the end of its end tag, in the HTML.
    pub span: Range<usize>,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|c| c == class))
    }

    /// The element's text, its descendants' included, whitespace collapsed.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn collect_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => {
                    e.collect_text(out);
                    out.push(' ');
                }
            }
        }
    }
}

/// Elements that have no end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

fn string(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Parses `html` into the children of a root element.
pub fn parse(html: &str) -> Element {
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    // The open elements, the root first.
    let mut open: Vec<Element> = vec![Element {
        span: 0..html.len(),
        ..Element::default()
    }];
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(tag) => {
                let element = Element {
                    name: string(&tag.name),
                    attrs: tag
                        .attributes
                        .iter()
                        .map(|(k, v)| (string(k), string(v)))
                        .collect(),
                    children: Vec::new(),
                    span: tag.span.start..tag.span.end,
                };
                if tag.self_closing || is_void(&element.name) || open.len() > MAX_DEPTH {
                    let parent = open.last_mut().expect("the root is always open");
                    parent.children.push(Node::Element(element));
                } else {
                    open.push(element);
                }
            }
            Token::EndTag(tag) => {
                let name = string(&tag.name);
                // The nearest open element of that name, the root never.
                if let Some(at) = open.iter().skip(1).rposition(|e| e.name == name) {
                    while open.len() > at + 1 {
                        let mut element = open.pop().expect("an open element");
                        element.span.end = element.span.end.max(tag.span.end);
                        let parent = open.last_mut().expect("the root is always open");
                        parent.children.push(Node::Element(element));
                    }
                }
            }
            Token::String(text) => {
                let parent = open.last_mut().expect("the root is always open");
                let text = string(&text);
                if let Some(Node::Text(last)) = parent.children.last_mut() {
                    last.push_str(&text);
                } else {
                    parent.children.push(Node::Text(text));
                }
            }
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    while open.len() > 1 {
        let mut element = open.pop().expect("an open element");
        element.span.end = html.len();
        let parent = open.last_mut().expect("the root is always open");
        parent.children.push(Node::Element(element));
    }
    open.pop().expect("the root")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(node: &Node) -> &Element {
        match node {
            Node::Element(e) => e,
            Node::Text(t) => panic!("a text, {t:?}"),
        }
    }

    #[test]
    fn nests_closes_and_spans() {
        let html = "<p>a <em>b</em></p><ul><li>c<li>d</ul></b>";
        let root = parse(html);
        assert_eq!(root.children.len(), 2);
        let p = element(&root.children[0]);
        assert_eq!((p.name.as_str(), p.text().as_str()), ("p", "a b"));
        assert_eq!(&html[p.span.clone()], "<p>a <em>b</em></p>");
        let ul = element(&root.children[1]);
        // The second `li` opens inside the first, unclosed one; both end with the list.
        assert_eq!(ul.text(), "cd");
    }

    #[test]
    fn entities_are_decoded_and_depth_is_bounded() {
        let root = parse("<p>&lt;b&gt; &amp; &#35;</p>");
        assert_eq!(element(&root.children[0]).text(), "<b> & #");
        let deep = "<div>".repeat(10_000) + "x";
        let mut e = &parse(&deep);
        let mut depth = 0;
        while let Some(Node::Element(child)) = e.children.first() {
            e = child;
            depth += 1;
        }
        assert!(depth <= MAX_DEPTH + 1, "{depth}");
    }
}
