package dev.bastion.inference;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test texts for the differential and round-trip tests: several languages and scripts, accents, CJK, emoji,
 * long numbers, runs of white space, tabs and newlines, code, contractions, URLs and mixed scripts. Written for
 * these tests. All in NFC (Qwen's tokenizer.json normalises to NFC; GGUF tokenizers, like llama.cpp, do not).
 */
final class TextCorpus {

    private static final List<String> HANDWRITTEN = List.of(
            "Hello world",
            "Hello, world! How are you today?",
            "The quick brown fox jumps over the lazy dog.",
            "It's a dog's life, isn't it? We're sure they've gone, I'm told you'll see, he'd know.",
            "IT'S LOUD. WE'RE HERE. THEY'VE LEFT. I'M OK. YOU'LL SEE. HE'D KNOW. DON'T.",
            "'s 't 're 've 'm 'll 'd 'x '",
            "rock'n'roll o'clock y'all",
            "   leading spaces",
            "trailing spaces   ",
            "two  spaces   three    four     five",
            "\ttab\tseparated\tvalues\t",
            "line one\nline two\n\nline four\n",
            "windows\r\nline\r\nendings\r\n",
            "\n\n\n",
            " \n \n ",
            "  \n\t\n  x",
            "mixed \t \n whitespace \u00a0 no-break \u2003 em space \u3000 ideographic",
            " ",
            "  ",
            "\t",
            "\n",
            "a",
            "!",
            "1",
            "12",
            "123",
            "1234",
            "12345678901234567890",
            "3.14159265358979323846264338327950288419716939937510",
            "Call 555-0123 or +1 (800) 555-0199 before 2026-12-01T17:30:00Z.",
            "Prices: $1,299.99, €45,00, £7.50, ¥1000, ₹250",
            "1st 2nd 3rd 4th 10th 21st 100th",
            "Roman numerals Ⅻ and ½ ¾ ² ³ and ٣٤٥ and ๑๒๓",
            "Bonjour, je m'appelle Élodie et j'habite à Paris. Ça va très bien, merci !",
            "L'été dernier, nous sommes allés à la plage où l'eau était très froide.",
            "Où est la bibliothèque ? À côté de l'hôtel de ville, près du café.",
            "Guten Tag! Ich heiße Jürgen und wohne in Köln. Die Straße ist groß.",
            "Größenordnung, Übermäßig, Äpfel, Öl, Füße, Maß",
            "Donaudampfschifffahrtsgesellschaftskapitänswitwe",
            "¡Hola! ¿Cómo estás? Me llamo José y vivo en España. ¡Qué día tan bonito!",
            "El niño comió piña y jalapeños en la montaña.",
            "Ciao, come stai? Mi chiamo Niccolò e abito a Milano. È un bellissimo giorno, però piove.",
            "Perché? Così è la città più antica dell'università.",
            "Português: não, coração, ação, você, pão",
            "Ελληνικά: Καλημέρα κόσμε, πώς είσαι;",
            "Русский: Привет, мир! Как дела? Ёжик в тумане.",
            "Українська: Привіт, як справи? Їжак, ґанок, є.",
            "Polski: Zażółć gęślą jaźń. Łódź.",
            "Čeština: Příliš žluťoučký kůň úpěl ďábelské ódy.",
            "Türkçe: İstanbul'da ığdır, şeker, çiçek, ğ.",
            "Tiếng Việt: Xin chào thế giới, tôi là người Việt Nam.",
            "日本語のテキストです。東京は晴れています。",
            "ひらがなとカタカナとKanjiの混在テスト",
            "中文测试：你好，世界！今天天气很好。",
            "繁體中文：我們一起去吃飯吧。",
            "한국어 테스트: 안녕하세요, 세계! 오늘 날씨가 좋네요.",
            "العربية: مرحبا بالعالم، كيف حالك؟",
            "עברית: שלום עולם, מה שלומך?",
            "हिन्दी: नमस्ते दुनिया, आप कैसे हैं?",
            "தமிழ்: வணக்கம் உலகம்",
            "ไทย: สวัสดีชาวโลก",
            "ქართული: გამარჯობა მსოფლიო",
            "Emoji: 😀 😃 😄 😁 😆 😅 🤣 😂 🙂 🙃",
            "Flags: 🇫🇷 🇩🇪 🇪🇸 🇮🇹 🇯🇵 and families 👨‍👩‍👧‍👦 and skin tones 👍🏽 👋🏿",
            "Keycaps 1️⃣ 2️⃣ #️⃣ and hearts ❤️ 💙 💚",
            "🚀🚀🚀launch🚀🚀🚀",
            "Math: ∀x ∈ ℝ, ∃y : x² + y² = z² → ∞ ≈ ∑ ∏ √ ∫",
            "Arrows and boxes: ← ↑ → ↓ ┌─┐ │ │ └─┘ ★ ☆ ♠ ♣",
            "Quotes: “double” ‘single’ «guillemets» „German“ — dash – en dash … ellipsis",
            "public static void main(String[] args) { System.out.println(\"hi\"); }",
            "def f(x):\n    return x ** 2  # square\n\nprint(f(10))\n",
            "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}",
            "if (a && b || !c) { x >>= 2; y <<= 3; z ^= ~w; }",
            "SELECT id, name FROM users WHERE age >= 18 AND name LIKE '%son' ORDER BY id DESC;",
            "<html><head><title>Test</title></head><body><p class=\"x\">Hi</p></body></html>",
            "{\"key\": \"value\", \"list\": [1, 2, 3], \"nested\": {\"a\": null, \"b\": true}}",
            "key: value\nlist:\n  - one\n  - two\n",
            "#!/bin/bash\nset -euo pipefail\necho \"$HOME\" | grep -v '^#' > /dev/null 2>&1\n",
            "    indented with four spaces\n        and eight\n",
            "Visit https://example.com/path/to/page?query=1&lang=en#section or http://localhost:8080/v1/chat.",
            "Email me at jane.doe+test@example.org, or ftp://files.example.net/pub/readme.txt",
            "C:\\Users\\Public\\Documents\\file.txt and /usr/local/bin/bastion",
            "snake_case_identifier camelCaseIdentifier PascalCaseIdentifier kebab-case-identifier",
            "ALLCAPS lowercase MiXeD CaSe",
            "Mixed scripts: Hello мир 世界 عالم 🌍 κόσμε",
            "abcабвαβγ123١٢٣",
            "Tokyo東京Paris巴黎",
            "....!!!???,,,;;;:::",
            "---===___+++***&&&^^^%%%$$$###@@@",
            "a.b,c;d:e!f?g",
            "(parentheses) [brackets] {braces} <angles>",
            "...\n...\n",
            "!!!\n\n\n",
            "x\n\n\ny",
            "tab\t\t\tafter",
            "space before newline \nand after",
            "end with newline\n",
            "end with spaces and newline  \n  ",
            "Repeated: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "Repeated spaces: x                                                    y",
            "Repeated digits: 00000000000000000000000000000000000000000000000001",
            "ñ ü é è ê ë à â ä ç ô ö û ù ï î ÿ æ œ ß ø å",
            "Ñ Ü É È Ê Ë À Â Ä Ç Ô Ö Û Ù Ï Î Ÿ Æ Œ Ø Å",
            "naïve café résumé façade coöperate",
            "I ❤ Unicode, don't you? Let's test ’s and ’re with curly apostrophes.",
            "He said: 'hello' and she said: \"goodbye\".",
            "'quoted' 'S 'T 'RE 'VE 'M 'LL 'D",
            "Hyphen-ated words and em—dashes and en–dashes.",
            "Soft\u00adhyphen and zero\u200bwidth and joiner\u200d here",
            "Ideographic space\u3000and line separator\u2028and paragraph separator\u2029end",
            "Next line\u0085control",
            "Bell\u0007 and escape\u001b[0m and null-ish \u0001\u0002",
            "x = 1e-10; y = 6.02214076e23; z = 0xFF; w = 0b1010;",
            "version 1.2.3-beta.4+build.567",
            "IPv4 192.168.0.1 and IPv6 2001:db8::ff00:42:8329",
            "The year 2025 had 365 days; 2024 had 366.",
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.",
            "Ünïcödé wïth dïäcrïtïcs ëvërywhërë",
            "ǅ ǈ ǋ ǲ titlecase digraphs",
            "ﬁ ﬂ ligatures and ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
            "𝐁𝐨𝐥𝐝 𝕯𝖔𝖚𝖇𝖑𝖊 mathematical letters",
            "Ancient: 𐌰𐌱𐌲 Gothic and 𓀀𓀁 hieroglyphs",
            "?!?!?! hmm... ok;)",
            ":) :( :D ;) <3 </3 ^_^ -_- o_O",
            "<|not_a_real_token|> and [INST] look-alikes [/INST] and <<SYS>> too",
            "Ends with an apostrophe'",
            "'",
            "''",
            "' s",
            "don't won't can't shouldn't",
            "DON'T WON'T CAN'T SHOULDN'T",
            "The temperature was -40° (which is −40 °F too).",
            "   \t   \n   \t   ",
            "a\u00a0b\u00a0\u00a0c",
            "x\u2009y\u202fz",
            "!x !1 !é ! x",
            " 1 22 333 4444 55555",
            "١٢٣٤٥٦٧٨٩٠ Arabic-Indic digits",
            "٣.١٤ and ۱۲۳ and १२३",
            "Long word: pneumonoultramicroscopicsilicovolcanoconiosis",
            "antidisestablishmentarianism supercalifragilisticexpialidocious",
            "a literal \u2581 lower one eighth block, \u2581\u2581 twice, and \u2581word");

    private static final List<String> SEPARATORS = List.of(" ", "\n", "\t", "  ", "\r\n", "", " \n ", "\n\n");

    private TextCorpus() {
    }

    /** The hand-written texts, then {@code generated} combinations of two or three of them (seeded, repeatable). */
    static List<String> texts(int generated) {
        var out = new LinkedHashSet<String>(HANDWRITTEN);
        var random = new SplittableRandom(20261201);
        while (out.size() < HANDWRITTEN.size() + generated) {
            var sb = new StringBuilder();
            int parts = 2 + random.nextInt(2);
            for (int p = 0; p < parts; p++) {
                String text = HANDWRITTEN.get(random.nextInt(HANDWRITTEN.size()));
                if (random.nextBoolean() && text.length() > 8) {
                    int from = random.nextInt(text.length() / 2);
                    int to = from + 1 + random.nextInt(text.length() - from - 1);
                    text = safeSubstring(text, from, to);
                }
                if (p > 0) {
                    sb.append(SEPARATORS.get(random.nextInt(SEPARATORS.size())));
                }
                sb.append(text);
            }
            out.add(Normalizer.normalize(sb.toString(), Normalizer.Form.NFC));
        }
        var list = new ArrayList<String>();
        for (String s : out) {
            list.add(Normalizer.normalize(s, Normalizer.Form.NFC));
        }
        return List.copyOf(new LinkedHashSet<>(list));
    }

    private static String safeSubstring(String s, int from, int to) {
        if (from > 0 && Character.isLowSurrogate(s.charAt(from))) {
            from--;
        }
        if (to < s.length() && Character.isLowSurrogate(s.charAt(to))) {
            to++;
        }
        return s.substring(from, to);
    }
}
