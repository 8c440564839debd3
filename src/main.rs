use clap::Parser;

fn main() {
    let cli = centerview::cli::Cli::parse();
    std::process::exit(centerview::cli::run(cli));
}
