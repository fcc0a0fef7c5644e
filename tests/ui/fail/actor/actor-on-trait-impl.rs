use pykka::{actor, Actor};

#[actor]
pub struct Counter;

#[actor]
impl Actor for Counter { type Message = (); type Reply = (); }

fn main() {}
