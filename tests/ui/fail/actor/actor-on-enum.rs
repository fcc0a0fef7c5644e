use pykka::actor;

#[actor]
pub enum Light {
    On,
    Off,
}

fn main() {}
