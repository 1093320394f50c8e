//! Colours and emphasis. Built once by the caller (which checks `NO_COLOR`); the render
//! functions only read it, so they stay pure.

use ratatui::style::{Color, Modifier, Style};

/// How the UI is styled: with colours, or (for `NO_COLOR`) with emphasis only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Use colours. When false only bold / reversed / underline are used.
    pub colors: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme { colors: true }
    }
}

impl Theme {
    /// A theme with or without colours.
    pub fn new(colors: bool) -> Theme {
        Theme { colors }
    }

    /// The theme the `NO_COLOR` convention asks for, given the variable's value
    /// (`std::env::var_os("NO_COLOR")`): colours unless it is set to a non-empty value.
    pub fn from_no_color(value: Option<&std::ffi::OsStr>) -> Theme {
        Theme {
            colors: value.is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, color: Color) -> Style {
        if self.colors {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// Ordinary text.
    pub fn text(&self) -> Style {
        Style::new()
    }

    /// Labels and secondary text.
    pub fn dim(&self) -> Style {
        if self.colors {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    /// Headings and key values.
    pub fn strong(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Errors the operator must act on.
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Warnings (money at risk, outcome unknown).
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// Good news (approved, ready).
    pub fn good(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    /// Information.
    pub fn info(&self) -> Style {
        self.fg(Color::Cyan)
    }

    /// The focused input field or selected row.
    pub fn focus(&self) -> Style {
        if self.colors {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// The status bar.
    pub fn bar(&self) -> Style {
        if self.colors {
            Style::new().fg(Color::White).bg(Color::Blue)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// A badge in the status bar (pending payment, simulator).
    pub fn badge(&self) -> Style {
        if self.colors {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    /// An input field without the cursor.
    pub fn field(&self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    /// A key name in the help bar.
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Borders.
    pub fn border(&self) -> Style {
        self.dim()
    }

    /// Signature strokes.
    pub fn ink(&self) -> Style {
        self.fg(Color::White)
    }
}
