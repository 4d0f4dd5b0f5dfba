#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
// SwiftPM drops _XOPEN_SOURCE from pkg-config's flags; without NCURSES_WIDECHAR the wide
// character API (wget_wch, mvwaddnwstr, setcchar) is not declared.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Macros and C globals that do not import into Swift 6, wrapped as functions.
static inline WINDOW *bm_stdscr(void) { return stdscr; }
static inline int bm_lines(void) { return LINES; }
static inline int bm_cols(void) { return COLS; }
static inline void bm_set_escdelay(int ms) { set_escdelay(ms); }
static inline attr_t bm_a_normal(void) { return A_NORMAL; }
static inline attr_t bm_a_bold(void) { return A_BOLD; }
static inline attr_t bm_a_dim(void) { return A_DIM; }
static inline attr_t bm_a_reverse(void) { return A_REVERSE; }
static inline attr_t bm_a_underline(void) { return A_UNDERLINE; }
static inline int bm_key_code_yes(void) { return KEY_CODE_YES; }
// newterm rather than initscr: initscr exits the process when the terminal is unusable.
static inline SCREEN *bm_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline int bm_key_f0(void) { return KEY_F0; }
static inline int bm_color_pairs(void) { return COLOR_PAIRS; }
static inline int bm_colors(void) { return COLORS; }
static inline int bm_maxy(WINDOW *w) { return getmaxy(w); }
static inline int bm_maxx(WINDOW *w) { return getmaxx(w); }
static inline int bm_wcwidth(wchar_t c) { return wcwidth(c); }
static inline int bm_is_utf8_locale(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs && (cs[0] == 'U' || cs[0] == 'u') && (cs[1] == 'T' || cs[1] == 't') && (cs[2] == 'F' || cs[2] == 'f');
}
// Mouse: the button masks are macros over NCURSES_MOUSE_MASK. Clicks only, not presses:
// ncurses keeps presses and releases to itself to group them into clicks.
static inline mmask_t bm_mouse_mask(void) {
    return BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED;
}
static inline mmask_t bm_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t bm_button1_double_clicked(void) { return BUTTON1_DOUBLE_CLICKED | BUTTON1_TRIPLE_CLICKED; }
static inline mmask_t bm_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t bm_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline int bm_key_mouse(void) { return KEY_MOUSE; }
#endif
