use pykka::{actor, Actor};

#[actor]
pub struct Counter;

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {
    pub fn add(&self, (a, b): (u32, u32)) -> u32 {
        a + b
    }
}

fn main() {}
