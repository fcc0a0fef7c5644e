use pykka::interface;

#[interface]
pub trait Backend {
    fn search<Q: Into<String>>(&mut self, query: Q) -> Vec<String>;
    fn count(&self) -> u32;
}

fn main() {}
