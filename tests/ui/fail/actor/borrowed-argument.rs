use std::borrow::Cow;

use pykka::{actor, Actor};

#[actor]
pub struct Library;

impl Actor for Library { type Message = (); type Reply = (); }

#[actor]
impl Library {
    pub fn shelve(&self, title: Cow<str>) -> usize {
        title.len()
    }

    pub fn shelve_all(&self, titles: Vec<&str>) -> usize {
        titles.len()
    }

    pub fn shelve_pair(&self, titles: [&str; 2]) -> usize {
        titles.len()
    }

    pub fn name_of(&self, id: u32) -> Cow<'_, str> {
        Cow::Owned(id.to_string())
    }

    // Fine: a `'static` lifetime, and a borrow bound inside `Fn` sugar.
    pub fn label(&self, title: Cow<'static, str>, format: Box<dyn Fn(&str) -> String + Send>) -> String {
        format(&title)
    }
}

fn main() {}
