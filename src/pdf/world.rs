//! Typst's view of one document: our fonts (loaded once, in the [`Engine`]), the generated
//! main file, the theme's design file and the document's images, all in memory. Nothing is
//! read from disk or the network here, no package can be imported, and there is no "today".
//!
//! Typst interns every file path it ever sees for the life of the process (at most 65,536),
//! so every document uses the same few paths: `/main.typ`, `/edition.typ` and
//! `/img-<n>.<ext>` for `n` below [`MAX_IMAGES`].

use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The fonts, each shipped as static instances with its OFL licence beside it in
/// `src/pdf/fonts/` (variable fonts made Typst over three times slower).
const FONTS: &[&[u8]] = &[
    include_bytes!("fonts/SourceSerif4_400Regular.ttf"),
    include_bytes!("fonts/SourceSerif4_400Regular_Italic.ttf"),
    include_bytes!("fonts/SourceSerif4_700Bold.ttf"),
    include_bytes!("fonts/SourceSerif4_700Bold_Italic.ttf"),
    include_bytes!("fonts/SourceSans3_400Regular.ttf"),
    include_bytes!("fonts/SourceSans3_600SemiBold.ttf"),
    include_bytes!("fonts/SourceSans3_700Bold.ttf"),
];

/// The font families of [`FONTS`], as `pdffonts` names them.
pub const FAMILIES: &[&str] = &["Source Serif 4", "Source Sans 3"];

/// The most images one document can show (each needs a file id of its own).
pub const MAX_IMAGES: usize = 1000;

/// Loaded once per process and shared by every document and thread: the fonts parsed, the
/// font book and the standard library built.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

impl Engine {
    pub fn new() -> Engine {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        Engine {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    }

    /// Whether some font has a glyph for `c`. A PDF/UA file may not show a missing glyph, so
    /// text is checked before Typst sees it.
    pub fn covers(&self, c: char) -> bool {
        (' '..='~').contains(&c)
            || self
                .fonts
                .iter()
                .any(|f| f.info().coverage.contains(c as u32))
    }
}

fn file_id(path: &str) -> FileId {
    let path = VirtualPath::new(path).expect("a valid virtual path");
    FileId::new(RootedPath::new(VirtualRoot::Project, path))
}

static MAIN: LazyLock<FileId> = LazyLock::new(|| file_id("/main.typ"));
static EDITION: LazyLock<FileId> = LazyLock::new(|| file_id("/edition.typ"));

/// The path of a document's `n`th image, of a format by its extension.
pub fn image_path(n: usize, extension: &str) -> String {
    format!("/img-{n}.{extension}")
}

/// One document's files, and the engine's fonts and library.
pub struct Document<'a> {
    engine: &'a Engine,
    main: Source,
    edition: Source,
    /// The images, by their file id.
    files: Vec<(FileId, Bytes)>,
}

impl<'a> Document<'a> {
    pub fn new(
        engine: &'a Engine,
        main: String,
        edition: &str,
        images: Vec<(String, Vec<u8>)>,
    ) -> Document<'a> {
        Document {
            engine,
            main: Source::new(*MAIN, main),
            edition: Source::new(*EDITION, edition.to_string()),
            files: images
                .into_iter()
                .map(|(path, data)| (file_id(&path), Bytes::new(data)))
                .collect(),
        }
    }

    /// Whether a file id is the theme's design file (where a theme's own mistakes are).
    pub fn is_edition(id: FileId) -> bool {
        id == *EDITION
    }

    pub fn edition(&self) -> &Source {
        &self.edition
    }
}

impl World for Document<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        *MAIN
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == *MAIN {
            Ok(self.main.clone())
        } else if id == *EDITION {
            Ok(self.edition.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_without_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *MAIN || id == *EDITION {
            let source = self.source(id)?;
            return Ok(Bytes::from_string(source));
        }
        self.files
            .iter()
            .find(|(file, _)| *file == id)
            .map(|(_, data)| data.clone())
            .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
