use pykka::interface;

#[interface]
pub trait Backend {
    fn search(&mut self, query: &str) -> Vec<String>;
    fn first(&self) -> &String;
}

fn main() {}
