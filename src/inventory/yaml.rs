//! A YAML document as a tree whose every key and value knows its line and column, built from
//! yaml-rust2's marked parser events. The validator needs positions for every problem, which a
//! serde deserialiser does not give.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    fn from_marker(m: &Marker) -> Pos {
        Pos {
            line: m.line(),
            col: m.col() + 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Map(Vec<Entry>),
    Seq(Vec<Node>),
    /// A scalar; `plain` is false for quoted and block scalars.
    Scalar {
        text: String,
        plain: bool,
    },
    /// An alias (`*name`): not used by inventories, reported where it appears.
    Alias,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Node {
    /// A plain empty scalar, `~` or `null`: what YAML reads for `key:` with nothing after it.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Map(_) => "a mapping",
            Value::Seq(_) => "a list",
            Value::Scalar { .. } if self.is_null() => "empty",
            Value::Scalar { .. } => "a text value",
            Value::Alias => "an alias",
        }
    }
}

/// A syntax error with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: Pos,
    pub info: String,
}

enum Frame {
    Map {
        pos: Pos,
        entries: Vec<Entry>,
        key: Option<(String, Pos)>,
    },
    Seq {
        pos: Pos,
        items: Vec<Node>,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    documents: usize,
    /// The first explicit tag (`!!binary`, `!foo`) and where it is.
    tag: Option<(Pos, String)>,
}

impl Builder {
    fn note_tag(&mut self, pos: Pos, tag: &Option<yaml_rust2::parser::Tag>) {
        if let (None, Some(t)) = (&self.tag, tag) {
            // `!!x` arrives resolved to the YAML core schema's prefix; show it as written.
            let handle = match t.handle.as_str() {
                "tag:yaml.org,2002:" => "!!",
                h => h,
            };
            self.tag = Some((pos, format!("{handle}{}", t.suffix)));
        }
    }
}

impl Builder {
    fn attach(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    let k = match &node.value {
                        Value::Scalar { text, .. } => text.clone(),
                        _ => format!("<{} used as a key>", node.kind()),
                    };
                    *key = Some((k, node.pos));
                }
                Some((k, kp)) => entries.push(Entry {
                    key: k,
                    key_pos: kp,
                    value: node,
                }),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = Pos::from_marker(&mark);
        match ev {
            Event::DocumentStart => self.documents += 1,
            Event::MappingStart(_, tag) => {
                self.note_tag(pos, &tag);
                self.stack.push(Frame::Map {
                    pos,
                    entries: Vec::new(),
                    key: None,
                })
            }
            Event::SequenceStart(_, tag) => {
                self.note_tag(pos, &tag);
                self.stack.push(Frame::Seq {
                    pos,
                    items: Vec::new(),
                })
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Map { pos, entries, .. }) => Node {
                        pos,
                        value: Value::Map(entries),
                    },
                    Some(Frame::Seq { pos, items }) => Node {
                        pos,
                        value: Value::Seq(items),
                    },
                    None => return,
                };
                self.attach(node);
            }
            Event::Scalar(text, style, _, tag) => {
                self.note_tag(pos, &tag);
                let plain = matches!(style, TScalarStyle::Plain);
                self.attach(Node {
                    pos,
                    value: Value::Scalar { text, plain },
                });
            }
            Event::Alias(_) => self.attach(Node {
                pos,
                value: Value::Alias,
            }),
            _ => {}
        }
    }
}

/// Parse one YAML document; `Ok(None)` for an empty file. More than one document is an error.
pub fn parse(text: &str) -> Result<Option<Node>, SyntaxError> {
    let mut b = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut b, true).map_err(|e| SyntaxError {
        pos: Pos::from_marker(e.marker()),
        info: e.info().to_owned(),
    })?;
    if let Some((pos, tag)) = b.tag {
        return Err(SyntaxError {
            pos,
            info: format!("the YAML tag {tag} is not allowed in an inventory"),
        });
    }
    if b.documents > 1 {
        return Err(SyntaxError {
            pos: Pos { line: 1, col: 1 },
            info: "the file holds more than one YAML document (more than one '---')".into(),
        });
    }
    Ok(b.root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        let root = parse("---\na:\n  b: \"x\"\n  c:\n  - d: 1\n")
            .unwrap()
            .unwrap();
        let Value::Map(top) = &root.value else {
            panic!()
        };
        assert_eq!(top[0].key, "a");
        assert_eq!(top[0].key_pos, Pos { line: 2, col: 1 });
        let Value::Map(inner) = &top[0].value.value else {
            panic!()
        };
        assert_eq!(
            (inner[0].key.as_str(), inner[0].key_pos),
            ("b", Pos { line: 3, col: 3 })
        );
        assert_eq!(inner[0].value.pos, Pos { line: 3, col: 6 });
        assert!(
            matches!(&inner[0].value.value, Value::Scalar { text, plain: false } if text == "x")
        );
        let Value::Seq(items) = &inner[1].value.value else {
            panic!()
        };
        assert_eq!(items[0].pos.line, 5);
    }

    #[test]
    fn null_and_empty_map() {
        let root = parse("a:\nb: {}\nc: ~\n").unwrap().unwrap();
        let Value::Map(top) = &root.value else {
            panic!()
        };
        assert!(top[0].value.is_null());
        assert!(matches!(&top[1].value.value, Value::Map(m) if m.is_empty()));
        assert!(top[2].value.is_null());
    }

    #[test]
    fn syntax_error_has_a_position() {
        let e = parse("a:\n  b\n    c: 1\n").unwrap_err();
        assert_eq!(e.pos.line, 3, "{e:?}");
        assert!(parse("").unwrap().is_none());
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
    }
}
