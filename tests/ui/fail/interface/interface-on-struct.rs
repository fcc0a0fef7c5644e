use pykka::interface;

#[interface]
pub struct Backend;

fn main() {}
