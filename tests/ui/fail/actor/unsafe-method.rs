use pykka::{actor, Actor};

#[actor]
pub struct Counter;

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {
    pub unsafe fn reset(&mut self) {}
}

fn main() {}
