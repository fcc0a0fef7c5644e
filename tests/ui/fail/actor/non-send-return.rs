use std::rc::Rc;

use pykka::{actor, Actor};

#[actor]
pub struct Counter;

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {
    pub fn shared(&self) -> Rc<u32> {
        Rc::new(1)
    }
}

fn main() {}
