use pykka::interface;

#[interface]
pub trait Source {
    type Item;
    const LIMIT: usize;
    fn next(&mut self) -> u32;
}

fn main() {}
