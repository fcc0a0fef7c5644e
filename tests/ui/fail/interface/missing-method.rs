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
impl Local {
    pub fn add(&mut self, track: String) {
        let _ = track;
    }
}

#[actor]
impl Backend for Local {
    fn search(&mut self, query: String) -> Vec<String> {
        vec![query]
    }
}

fn main() {
    let backend = BackendProxy::from(Local.start());
    let _ = backend.add("song".to_string());
}
