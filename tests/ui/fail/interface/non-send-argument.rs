use std::rc::Rc;

use pykka::interface;

#[interface]
pub trait Backend {
    fn search(&mut self, query: Rc<String>) -> Vec<String>;
}

fn main() {}
