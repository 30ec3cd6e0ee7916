//! Where an export goes: a file written atomically, standard output, or
//! memory (an HTTP body); and the progress shown while a file is written.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::ExportError;

/// The destination of an export.
pub enum Output {
    /// Written beside the target as `NAME.partial` and renamed into place
    /// when complete, so a failed export never leaves half a file under the
    /// name asked for.
    File(FileOut),
    Stdout(BufWriter<std::io::Stdout>),
    Memory(Vec<u8>),
}

impl Output {
    /// A file at `path`, or standard output when there is none.
    pub fn file_or_stdout(path: Option<&Path>) -> Result<Output, ExportError> {
        match path {
            Some(p) => Output::file(p),
            None => Ok(Output::Stdout(BufWriter::new(std::io::stdout()))),
        }
    }

    pub fn file(path: &Path) -> Result<Output, ExportError> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".partial");
        let tmp = path.with_file_name(name);
        let file = std::fs::File::create(&tmp).map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot write {}: {e}", tmp.display()))
        })?;
        Ok(Output::File(FileOut {
            path: path.to_owned(),
            tmp,
            out: Some(BufWriter::new(file)),
        }))
    }

    /// Whether progress is worth showing (a file; standard output may be
    /// the terminal itself).
    pub fn is_file(&self) -> bool {
        matches!(self, Output::File(_))
    }

    /// Completes the output: flushes, syncs and renames a file into place;
    /// returns the bytes of a memory output.
    pub fn commit(self) -> Result<Vec<u8>, ExportError> {
        match self {
            Output::File(mut f) => {
                if let Some(out) = f.out.take() {
                    let file = out.into_inner().map_err(|e| e.into_error())?;
                    file.sync_all()?;
                    drop(file);
                    std::fs::rename(&f.tmp, &f.path)?;
                }
                Ok(Vec::new())
            }
            Output::Stdout(mut out) => {
                out.flush()?;
                Ok(Vec::new())
            }
            Output::Memory(bytes) => Ok(bytes),
        }
    }
}

/// A file being written beside its target.
pub struct FileOut {
    path: PathBuf,
    tmp: PathBuf,
    /// `None` once committed.
    out: Option<BufWriter<std::fs::File>>,
}

impl Drop for FileOut {
    fn drop(&mut self) {
        // Dropped without commit: an export that failed leaves no file.
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

fn closed() -> std::io::Error {
    std::io::Error::other("the export file is already complete")
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Output::File(f) => f.out.as_mut().ok_or_else(closed)?.write(buf),
            Output::Stdout(out) => out.write(buf),
            Output::Memory(v) => v.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Output::File(f) => f.out.as_mut().map_or(Ok(()), |o| o.flush()),
            Output::Stdout(out) => out.flush(),
            Output::Memory(_) => Ok(()),
        }
    }
}

/// A progress line on standard error (`1,200 assets written (3,400/s)`),
/// or nothing.
pub struct Progress(indicatif::ProgressBar);

impl Progress {
    /// Shown when `visible`; `noun` names what is counted.
    pub fn new(visible: bool, noun: &str) -> Progress {
        if !visible {
            return Progress(indicatif::ProgressBar::hidden());
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{{spinner}} {{human_pos}} {noun} written ({{per_sec}})"
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        Progress(bar)
    }

    pub fn hidden() -> Progress {
        Progress(indicatif::ProgressBar::hidden())
    }

    pub fn set(&self, n: u64) {
        self.0.set_position(n);
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_appears_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let mut out = Output::file(&path).unwrap();
        out.write_all(b"a,b\r\n").unwrap();
        assert!(!path.exists(), "nothing under the name before commit");
        out.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"a,b\r\n");

        let failed = dir.path().join("failed.csv");
        let mut out = Output::file(&failed).unwrap();
        out.write_all(b"half").unwrap();
        drop(out);
        assert!(!failed.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no partial file left"
        );
    }
}
