use pykka::{actor, interface, Actor};

#[interface]
pub trait Backend {
    fn search(&mut self, query: String) -> Vec<String>;
}

#[actor]
pub struct Local;

impl Actor for Local {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Local {}

#[actor]
impl Backend for Local {
    fn search(&mut self, query: String) -> Vec<String> {
        vec![query]
    }
}

fn main() {}
