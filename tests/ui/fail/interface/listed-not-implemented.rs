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
    const INTERFACES: &'static [pykka::Implementation] = pykka::interfaces![Backend];
}

#[actor]
impl Local {}

// Without `#[actor]`: the actor does not implement the interface for pykka.
impl Backend for Local {
    fn search(&mut self, query: String) -> Vec<String> {
        vec![query]
    }
}

fn main() {
    let _ = BackendProxy::from(Local.start());
}
