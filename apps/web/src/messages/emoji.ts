// The reaction picker's emojis: the two dozen people reach for most, with names for
// screen readers and tooltips.

/** [emoji, name] pairs, in picker order. */
export const COMMON_EMOJIS: readonly (readonly [string, string])[] = [
  ['👍', 'thumbs up'], ['👎', 'thumbs down'], ['❤️', 'red heart'], ['😂', 'tears of joy'],
  ['😮', 'surprised'], ['😢', 'crying'], ['😡', 'angry'], ['🎉', 'party popper'],
  ['🔥', 'fire'], ['👀', 'eyes'], ['🙏', 'folded hands'], ['👏', 'clapping'],
  ['✅', 'check mark'], ['❌', 'cross mark'], ['💯', 'hundred points'], ['🤔', 'thinking'],
  ['😍', 'heart eyes'], ['😎', 'cool'], ['🙌', 'raised hands'], ['💡', 'light bulb'],
  ['🚀', 'rocket'], ['⭐', 'star'], ['😅', 'sweat smile'], ['👋', 'waving hand']
]
