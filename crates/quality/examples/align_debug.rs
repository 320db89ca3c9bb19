fn main() {
    let a = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let b = std::fs::read_to_string(std::env::args().nth(2).unwrap()).unwrap();
    let f = chunksynth_quality::align::alignment_findings(&a, &b);
    println!("{f:#?}");
}
