use pykka::{actor, Actor};

#[actor]
pub struct Counter;

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {
    pub fn answer(&self, reply: String) -> String {
        reply
    }
}

fn main() {}
