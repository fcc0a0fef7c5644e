use pykka::{actor, Actor};

#[actor(name = "counter")]
pub struct Counter;

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {}

fn main() {}
