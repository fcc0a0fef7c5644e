use pykka::{actor, Actor};

#[actor]
pub struct Counter;

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {
    pub fn echo<T>(&self, value: T) -> T {
        value
    }
}

fn main() {}
