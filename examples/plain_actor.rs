//! A plain actor that stores the messages it is told and hands them back when asked.
//!
//! Port of Pykka's manual, section 2.2.1 "Plain actor" (`examples/plain_actor.py`).
//!
//! ```text
//! cargo run -p examples --example plain_actor
//! ```
//!
//! Python's messages are dicts of mixed values and a `GetMessages = object()` sentinel; here
//! they are the two variants of [`PlainMessage`], and a dict is a [`Dict`] of [`Value`]s.

use std::collections::BTreeMap;
use std::fmt;

use pykka::{Actor, Context, Unhandled};

/// A value of a [`Dict`]: a string or an integer, like the values of the manual's dicts.
#[derive(Clone, PartialEq, Eq)]
pub enum Value {
    /// A string value, such as `"Norway"`.
    Str(&'static str),
    /// An integer value, such as `3`.
    Int(i64),
}

/// Shows the bare value (`"Norway"`, `3`), as Python prints a dict's values.
impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => fmt::Debug::fmt(s, f),
            Value::Int(i) => fmt::Debug::fmt(i, f),
        }
    }
}

/// The dict-like payload of a stored message, with its keys in order.
pub type Dict = BTreeMap<&'static str, Value>;

/// The messages [`PlainActor`] understands.
#[derive(Debug)]
pub enum PlainMessage {
    /// Store this dict.
    Store(Dict),
    /// Reply with every dict stored so far (Python's `GetMessages` sentinel).
    GetMessages,
}

/// An actor with no proxy: everything goes through `on_receive`.
#[derive(Debug, Default)]
pub struct PlainActor {
    stored_messages: Vec<Dict>,
}

impl Actor for PlainActor {
    type Message = PlainMessage;
    /// The stored dicts for [`PlainMessage::GetMessages`], `None` otherwise.
    type Reply = Option<Vec<Dict>>;

    fn on_receive(&mut self, _ctx: &Context<Self>, message: PlainMessage) -> Result<Self::Reply, Unhandled> {
        match message {
            PlainMessage::GetMessages => Ok(Some(self.stored_messages.clone())),
            PlainMessage::Store(dict) => {
                self.stored_messages.push(dict);
                Ok(None)
            }
        }
    }
}

fn main() -> pykka::Result<()> {
    let actor = PlainActor::default().start();
    actor.tell(PlainMessage::Store(Dict::from([
        ("no", Value::Str("Norway")),
        ("se", Value::Str("Sweden")),
    ])))?;
    actor.tell(PlainMessage::Store(Dict::from([
        ("a", Value::Int(3)),
        ("b", Value::Int(4)),
        ("c", Value::Int(5)),
    ])))?;
    let stored = actor.ask(PlainMessage::GetMessages)?.unwrap_or_default();
    println!("{stored:?}");
    actor.stop();
    Ok(())
}
