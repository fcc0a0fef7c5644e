use pykka::traversable;

#[traversable]
pub struct Playback<T> {
    pub volume: T,
}

#[traversable]
impl<T> Playback<T> {}

fn main() {}
