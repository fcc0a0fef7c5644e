use pykka::{actor, Actor};

pub trait Greeter {
    fn greet(&self) -> String;
}

#[actor]
pub struct English;

impl Actor for English {
    type Message = ();
    type Reply = ();
}

#[actor]
impl English {}

#[actor]
impl Greeter for English {
    fn greet(&self) -> String {
        "hello".to_string()
    }
}

fn main() {}
