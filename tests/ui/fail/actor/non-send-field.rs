use std::rc::Rc;

use pykka::{actor, Actor};

#[actor]
pub struct Counter {
    pub shared: Rc<u32>,
}

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {}

fn main() {}
