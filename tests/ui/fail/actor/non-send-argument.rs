use std::rc::Rc;

use pykka::{actor, Actor};

#[actor]
pub struct Counter;

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {
    pub fn add(&self, amount: Rc<u32>) -> u32 {
        *amount
    }
}

fn main() {}
