use pykka::actor;

#[actor]
pub trait Greeter {
    fn greet(&self) -> String;
}

fn main() {}
