use pykka::actor;

#[actor]
pub fn greet(name: String) -> String {
    format!("hello {name}")
}

fn main() {}
