//! A small element tree built with quick-xml, bounded so hostile input cannot exhaust memory
//! or the stack: the input size is capped by the caller and nesting depth here.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::error::forbidden_char_message;
use super::text::is_forbidden_char;

/// Moodle XML needs 5 levels; anything far deeper is malformed or hostile.
pub const MAX_DEPTH: usize = 64;

/// Moodle XML uses at most 3 attributes on an element; checking attributes for duplicates
/// takes time that grows with the square of their number, so many more are refused.
const MAX_ATTRIBUTES: usize = 32;

/// An element with its attributes, child elements and directly contained text (text, CDATA
/// and references concatenated, end-of-lines normalised as XML 1.0 requires).
#[derive(Debug, Default)]
pub(crate) struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
    /// Byte offset of the element's `<` in the source, for line numbers.
    pub offset: usize,
}

impl Element {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// A fault in the XML itself, at a byte offset.
#[derive(Debug)]
pub(crate) struct XmlFault {
    pub offset: usize,
    pub message: String,
}

fn fault(offset: usize, message: impl Into<String>) -> XmlFault {
    XmlFault {
        offset,
        message: message.into(),
    }
}

/// The top-level elements of `source` (a document has one, a fragment may have several).
pub(crate) fn parse_elements(source: &str) -> Result<Vec<Element>, XmlFault> {
    let mut reader = Reader::from_str(source);
    let mut stack: Vec<Element> = Vec::new();
    let mut roots: Vec<Element> = Vec::new();
    loop {
        let offset = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event().map_err(|e| {
            let at = usize::try_from(reader.error_position()).unwrap_or(offset);
            fault(at, format!("the XML is not well-formed: {e}"))
        })?;
        match event {
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(fault(
                        offset,
                        format!("XML elements are nested more than {MAX_DEPTH} deep"),
                    ));
                }
                stack.push(new_element(&start, offset)?);
            }
            Event::Empty(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(fault(
                        offset,
                        format!("XML elements are nested more than {MAX_DEPTH} deep"),
                    ));
                }
                attach(new_element(&start, offset)?, &mut stack, &mut roots);
            }
            Event::End(_) => match stack.pop() {
                Some(done) => attach(done, &mut stack, &mut roots),
                None => return Err(fault(offset, "closing tag without an opening tag")),
            },
            Event::Text(text) => {
                let content = text
                    .xml10_content()
                    .map_err(|e| fault(offset, format!("bad text: {e}")))?;
                push_text(&mut stack, &content, offset)?;
            }
            Event::CData(data) => {
                let content = data
                    .xml10_content()
                    .map_err(|e| fault(offset, format!("bad CDATA: {e}")))?;
                push_text(&mut stack, &content, offset)?;
            }
            Event::GeneralRef(reference) => {
                let name = reference
                    .decode()
                    .map_err(|e| fault(offset, format!("bad reference: {e}")))?;
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) if is_forbidden_char(c) => {
                        return Err(fault(offset, forbidden_char_message(c)));
                    }
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => predefined_entity(&name)
                        .ok_or_else(|| {
                            fault(
                                offset,
                                format!(
                                    "unknown entity &{name}; (only XML's five are defined; put \
                                     HTML in CDATA)"
                                ),
                            )
                        })?
                        .to_owned(),
                    Err(e) => return Err(fault(offset, format!("bad character reference: {e}"))),
                };
                push_text(&mut stack, &resolved, offset)?;
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    match stack.last() {
        Some(open) => Err(fault(
            open.offset,
            format!("<{}> is never closed", open.name),
        )),
        None => Ok(roots),
    }
}

fn predefined_entity(name: &str) -> Option<&'static str> {
    match name {
        "lt" => Some("<"),
        "gt" => Some(">"),
        "amp" => Some("&"),
        "apos" => Some("'"),
        "quot" => Some("\""),
        _ => None,
    }
}

fn new_element(start: &BytesStart<'_>, offset: usize) -> Result<Element, XmlFault> {
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        if attributes.len() == MAX_ATTRIBUTES {
            return Err(fault(
                offset,
                format!("an element has more than {MAX_ATTRIBUTES} attributes"),
            ));
        }
        let attribute = attribute.map_err(|e| fault(offset, format!("bad attribute: {e}")))?;
        let value = attribute
            .unescape_value()
            .map_err(|e| fault(offset, format!("bad attribute value: {e}")))?;
        if let Some(c) = value.chars().find(|c| is_forbidden_char(*c)) {
            return Err(fault(offset, forbidden_char_message(c)));
        }
        attributes.push((
            String::from_utf8_lossy(attribute.key.as_ref()).into_owned(),
            value.into_owned(),
        ));
    }
    Ok(Element {
        name: String::from_utf8_lossy(start.name().as_ref()).into_owned(),
        attributes,
        children: Vec::new(),
        text: String::new(),
        offset,
    })
}

fn attach(element: Element, stack: &mut [Element], roots: &mut Vec<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => roots.push(element),
    }
}

fn push_text(stack: &mut [Element], text: &str, offset: usize) -> Result<(), XmlFault> {
    match stack.last_mut() {
        Some(open) => {
            open.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(fault(offset, "text outside the root element")),
    }
}
