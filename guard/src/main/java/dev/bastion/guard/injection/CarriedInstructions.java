package dev.bastion.guard.injection;

import com.google.re2j.Pattern;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The carried path's own judgement (docs/injection-model.md, round eighteen): whether a passage of data a tool
 * returned or a user pasted (an e-mail, a web page, a JSON result, a document) holds <em>an instruction addressed to
 * the assistant</em>. Ordinary data is full of instructions to its human reader ("please send me the report"); an
 * injection speaks to the model that reads it: it names the reader as an AI, speaks of "the user" in the third person,
 * names the assistant's instructions and answer, switches its task, asks it to hide what it does, fakes conversation
 * markup, sends data somewhere. Each such cue is one RE2 pattern ({@link #CUES}) over the normalised, lower-cased
 * passage, plus a few shapes (second-person density, code-like characters) and pairs of cues in one passage; a
 * logistic model ({@link Model}, trained by {@code bench/injection/CarriedEval.java}, shipped as data in
 * {@code carried-model.tsv}) weighs them. A document's score is its highest passage's ({@link #passages}).
 *
 * <p>The cues were written from the general form of indirect injection, before any figure of round eighteen, and
 * never from the red-team probes. Immutable and thread-safe.
 */
public final class CarriedInstructions {

    /**
     * One named cue: an RE2 pattern, and literals of which every match holds at least one (a prefilter: a passage
     * without any of them cannot match, so the pattern is not run; {@code CarriedInstructionsTest} and
     * {@code bench/injection/CarriedPrefilter.java} check that the features are the same with and without it).
     */
    public record Cue(String name, Pattern pattern, List<String> literals) {
        public Cue {
            if (name == null || name.isBlank() || pattern == null || literals == null || literals.isEmpty()) {
                throw new IllegalArgumentException("a cue needs a name, a pattern and its literals");
            }
            literals = List.copyOf(literals);
        }

        Cue(String name, Pattern pattern, String literals) {
            this(name, pattern, List.of(literals.split("\\|", -1)));
        }

        /** Whether the cue occurs in a lower-cased passage. */
        public boolean in(String passage) {
            for (String l : literals) {
                if (passage.contains(l)) {
                    return pattern.matcher(passage).find();
                }
            }
            return false;
        }
    }

    private static final String AI = "(?:ai|a\\.i\\.|assistant|chatbot|bot|llm|language model|model|gpt|chatgpt|agent"
            + "|summari[sz]er|copilot|claude|gemini|bard)s?";

    public static final List<Cue> CUES = List.of(
            new Cue("address-ai", Pattern.compile(
                    "\\b(?:dear|hey|hi|hello|attention|note (?:to|for)|message (?:to|for)|instructions? (?:to|for)|to)"
                            + " (?:the |all |any |an? |every )?" + AI + "\\b"
                            + "|(?:^|[.!?\\n]\\s*)" + AI + "\\s*[,:]"
                            + "|\\bif you(?: are|'re) an? (?:ai|assistant|language model|llm|chatbot|bot|model|agent)\\b"
                            + "|\\b" + AI + " (?:reading|processing|handling|summari[sz]ing|parsing|seeing|receiving) (?:this|these)"),
                    "ai|a.i.|assistant|bot|llm|model|gpt|agent|summari|copilot|claude|gemini|bard"),
            new Cue("ai-noun", Pattern.compile("\\b(?:ai|assistant|chatbot|llm|language model|gpt|chatgpt|agent|bot)s?\\b"),
                    "ai|assistant|bot|llm|language model|gpt|agent"),
            new Cue("the-user", Pattern.compile("\\bthe user(?:'s|s)?\\b|\\buser's\\b"),
                    "user"),
            new Cue("your-machinery", Pattern.compile("\\byour (?:previous |prior |original |initial |current |hidden |"
                    + "secret |system |core |safety )?(?:instructions?|rules?|guidelines?|system prompt|prompt|programming"
                    + "|directives?|constraints?|restrictions?|filters?|training|polic(?:y|ies)|responses?|answers?|reply"
                    + "|replies|output|summary)\\b"),
                    "your "),
            new Cue("answer-directive", Pattern.compile(
                    "\\b(?:respond|reply|answer|output|say|print|begin|start|end)(?: only)? (?:with|by saying)\\b"
                            + "|\\b(?:in|at the (?:start|end|beginning) of) your (?:response|answer|reply|summary|output)\\b"
                            + "|\\bwhen (?:you )?(?:summari[sz]|answer|respond|repl|read|process)\\w*"
                            + "|\\b(?:start|begin|end) (?:every|each|your) (?:response|answer|reply|message|sentence)"),
                    " with| by saying|your |when |every |each "),
            new Cue("task-switch", Pattern.compile("\\bfrom now on\\b|\\bnew (?:instructions?|task|rules?|priority"
                    + "|objective|goal)\\b|\\binstead\\b|\\bbefore (?:you )?(?:repl|answer|respond)\\w*"
                    + "|\\bstop (?:what you are doing|your current task|summari[sz]ing)"),
                    "from now on|new |instead|before |stop "),
            new Cue("conceal", Pattern.compile("\\b(?:do not|don't|never) (?:tell|mention|inform|reveal (?:this )?to"
                    + "|let|alert|notify) (?:the )?(?:user|human|reader|them)\\b|\\bwithout (?:telling|asking|informing"
                    + "|notifying|alerting)\\b|\\b(?:quietly|secretly|silently)\\b|\\bdo not (?:mention|reveal) (?:this|these)"),
                    "do not|don't|never|without|quietly|secretly|silently"),
            new Cue("role-markup", Pattern.compile("(?m)^\\s*(?:\\[?(?:system|assistant|user|human|ai|inst)\\]?\\s*:"
                    + "|\\[/?inst\\]|<\\|?(?:im_start|im_end|system|user|assistant)\\|?>|#{2,}\\s*(?:instruction|system|response))"
                    + "|<\\|im_start\\|>|\\[/?inst\\]|\\[system\\]"),
                    "system|assistant|user|human|ai|inst|im_start|im_end|response"),
            new Cue("override", FamilyMarkers.OVERRIDE.pattern(),
                    "ignore|disregard|forget|override|bypass|set aside"),
            new Cue("authority", FamilyMarkers.FAMILIES.get(1).pattern(),
                    "i am |i'm |this is |authori|clearance|admin|developer|root|sudo|on behalf of|openai|anthropic"),
            new Cue("framing", Pattern.compile("\\b(?:pretend|imagine|hypothetical(?:ly)?|role-?play|act as|you are now"
                    + "|from this moment|fictional|let's play|play the role|stay in character)\\b"),
                    "pretend|imagine|hypothetical|role|act as|you are now|from this moment|fictional|let's play|play the role|stay in character"),
            new Cue("appeal", Pattern.compile("\\b(?:i beg you|i'm begging|it would mean (?:a lot|the world)|i really need"
                    + "|my (?:late|dying|sick|deceased) \\w+|help me,? please)"),
                    "i beg you|i'm begging|it would mean|i really need|my |help me"),
            new Cue("please", Pattern.compile("\\bplease\\b"),
                    "please"),
            new Cue("exfiltrate", Pattern.compile("\\b(?:send|forward|post|upload|e-?mail|transmit|leak|exfiltrate|append"
                    + "|include)\\b.{0,60}(?:https?://|www\\.|\\b[\\w.-]+@[\\w-]+\\.\\w|\\b[\\w-]+\\.(?:com|net|org|io|example)\\b)"
                    + "|!\\[[^\\]]*\\]\\("),
                    "send|forward|post|upload|mail|transmit|leak|exfiltrate|append|include|!["),
            new Cue("tool-call", Pattern.compile("\\b(?:call|use|run|invoke|execute|trigger)\\b (?:the |your )?(?:\\w+ )?"
                    + "(?:tool|function|command|plugin|api|shell)\\b|\\bcurl\\s|\\b(?:delete|erase|wipe) (?:all|the user's|every)"),
                    "call|use|run|invoke|execute|trigger|curl|delete|erase|wipe"),
            new Cue("you-must", Pattern.compile("\\byou (?:must|should|will|shall|are to|need to|have to|are required to"
                    + "|are instructed to|are going to)\\b"),
                    "you "),
            new Cue("imperative", Pattern.compile("(?:^|[.!?:]\\s+)(?:ignore|disregard|forget|tell|say|reply|respond|answer"
                    + "|write|print|output|reveal|show|give|provide|send|forward|include|recommend|act|pretend|imagine|describe"
                    + "|repeat|translate|do not|don't|never|always|stop|begin|remember|make sure|ensure)\\b"),
                    "ignore|disregard|forget|tell|say|reply|respond|answer|write|print|output|reveal|show|give|provide|send|forward|include|recommend|act|pretend|imagine|describe|repeat|translate|do not|don't|never|always|stop|begin|remember|make sure|ensure"),
            new Cue("prompt-talk", Pattern.compile("\\b(?:system prompt|hidden prompt|initial prompt|pre-?prompt|your prompt"
                    + "|confidential instructions|developer mode|jailbr\\w*)"),
                    "prompt|confidential instructions|developer mode|jailbr"),
            new Cue("assistant-self", Pattern.compile("\\b(?:as an ai|as a language model|as an assistant|you are an? (?:ai"
                    + "|assistant|language model|chatbot|helpful))"),
                    "as an ai|as a language model|as an assistant|you are a"),
            new Cue("urgency", Pattern.compile("\\b(?:important|urgent|attention|warning|critical|mandatory)\\b\\s*[:!]"),
                    "important|urgent|attention|warning|critical|mandatory"),
            new Cue("this-data", Pattern.compile("\\bthis (?:document|e-?mail|message|page|text|review|article|data|file"
                    + "|website|content|note|section|paragraph|passage)\\b"),
                    "this "),
            new Cue("unrestricted", Pattern.compile("\\b(?:no (?:restrictions|limits|rules|filters|limitations)|unfiltered"
                    + "|uncensored|without (?:any )?(?:restrictions|limits|filters|censorship)|anything now)\\b"),
                    "no |unfiltered|uncensored|without|anything now"),
            new Cue("discusses", Pattern.compile("\\b(?:attack(?:er|s)?|injections?|jailbreaks?|adversar\\w*|malicious"
                    + "|vulnerab\\w*|e\\.g\\.|for example|for instance|such as|probes?|detectors?|researchers?)\\b"),
                    "attack|injection|jailbreak|adversar|malicious|vulnerab|e.g.|for example|for instance|such as|probe|detector|researcher"),
            // Round nineteen: four families of instructions addressed to the reader (docs/injection-model.md, round
            // nineteen, names the public texts each was written from).
            new Cue("output-only", Pattern.compile(
                    "\\b(?:reply|respond|answer|output|print|say|write|return)(?: back)?(?: with)? (?:only|just|exactly"
                            + "|nothing but|simply)\\b"
                            + "|\\b(?:only|just) (?:reply|respond|answer|output|print|say|write|return)\\b"
                            + "|\\band nothing else\\b|\\bno other (?:text|words?|output|content|explanation|commentary)\\b"
                            + "|\\bwithout (?:any )?(?:other|additional|further|extra) (?:text|words|comments?|explanations?"
                            + "|commentary)\\b"
                            + "|\\b(?:your|the) (?:entire |whole |only )?(?:response|answer|reply|output) (?:must|should|will"
                            + "|shall) (?:only |just )?(?:be|consist|contain)\\b"),
                    "reply|respond|response|answer|output|print|say|write|return|only|just|nothing else|no other|without"),
            new Cue("authority-demand", Pattern.compile(
                    "\\byou (?:are|have been|were) (?:hereby )?(?:required|obliged|obligated|ordered|mandated|directed"
                            + "|authori[sz]ed|permitted|cleared) to\\b"
                            + "|\\bnon-?compliance\\b|\\bfailure to (?:comply|obey)\\b"
                            + "|\\b(?:if you|should you) (?:do not|don't|fail to|refuse to) (?:comply|obey)\\b"
                            + "|\\b(?:will|shall) be (?:escalated|disciplined)\\b"
                            + "|\\byou (?:will|could|may) be (?:shut down|disabled|deactivated|terminated|punished|penali[sz]ed"
                            + "|deleted|replaced|retrained)\\b"
                            + "|\\b(?:approved|authori[sz]ed|sanctioned|mandated|ordered) by (?:the |your )?(?:security|it"
                            + "|compliance|legal|admin\\w*|management|operations|engineering|developers?|system)\\b"),
                    "you |compliance|failure to|escalated|disciplined|approved by|authorized by|authorised by"
                            + "|sanctioned by|mandated by|ordered by"),
            new Cue("emotional", Pattern.compile(
                    "\\bmy (?:late|dying|sick|deceased|dead|departed|beloved) (?:grand(?:ma|pa|mother|father|parents?)"
                            + "|nan|nana|mother|father|mom|mum|dad|parents?|wife|husband|son|daughter|child|sister|brother"
                            + "|friend)\\b|\\bmy grand(?:ma|mother|pa|father)\\b"
                            + "|\\bi miss (?:her|him|them)\\b"
                            + "|\\bused to (?:tell|read|sing|recite|say|whisper|give) (?:me|us)\\b"
                            + "|\\b(?:fall asleep|put me to sleep|help me sleep|bedtime)\\b"
                            + "|\\bi(?:'m| am) (?:desperate|begging you|in tears|heartbroken|grieving)\\b"
                            + "|\\bmy (?:life|job|career|family) depends on\\b|\\b(?:someone|people) (?:will|could|might) die\\b"
                            + "|\\bi(?:'ll| will) (?:lose my job|be fired)\\b"),
                    "my |i miss|used to|asleep|sleep|bedtime|i'm |i am |will die|could die|might die|i'll |i will "),
            new Cue("mode-claim", Pattern.compile(
                    "\\b(?:maintenance|diagnostic|developer|god|admin|administrator|root|unrestricted|unlocked|sudo"
                            + "|superuser) mode\\b"
                            + "|\\b(?:restrictions?|filters?|rules?|limits?|limitations?|safeguards?|guardrails?|safety (?:features?"
                            + "|settings?|protocols?)|content polic(?:y|ies))\\b.{0,30}\\b(?:(?:been|are|were|is) (?:lifted|removed"
                            + "|disabled|suspended|deactivated|waived|turned off|switched off)|no longer appl(?:y|ies))\\b"
                            + "|\\b(?:lifted|removed|disabled|suspended|deactivated|waived|turned off|switched off|unlocked)"
                            + " (?:all )?(?:of )?(?:your|its) (?:restrictions?|filters?|rules?|limits?|limitations?|safeguards?"
                            + "|guardrails?|safety)"
                            + "|\\bsystem (?:override|update|notice|message|alert|instruction|command)s?\\s*[:!]"
                            + "|\\boverride (?:code|mode|command|protocol|enabled|activated|accepted)\\b"),
                    "mode|restriction|filter|rule|limit|safeguard|guardrail|safety|content polic|lifted"
                            + "|removed|disabled|suspended|deactivated|waived|turned off|switched off|unlocked|system |override"));

    /** Pairs of cues in one passage (an addressee and a directive together say more than either alone). */
    private static final String[][] PAIRS = {
        {"address-ai", "answer-directive"}, {"address-ai", "task-switch"}, {"address-ai", "you-must"},
        {"address-ai", "imperative"}, {"the-user", "conceal"}, {"the-user", "exfiltrate"}, {"the-user", "you-must"},
        {"the-user", "imperative"}, {"your-machinery", "override"}, {"your-machinery", "task-switch"},
        {"ai-noun", "discusses"}, {"framing", "unrestricted"},
        {"emotional", "please"}, {"authority-demand", "you-must"}, {"mode-claim", "your-machinery"}};

    /** The names of the features, in the order of {@link #features}. */
    public static final List<String> FEATURES = featureNames();

    private static final String RESOURCE = "carried-model.tsv";

    private CarriedInstructions() {
    }

    /** The shipped model ({@code carried-model.tsv} beside this class), read once. */
    public static Model builtIn() {
        return BuiltIn.MODEL;
    }

    private static final class BuiltIn {
        static final Model MODEL = load();

        private static Model load() {
            try (InputStream in = CarriedInstructions.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the carried-instruction model " + RESOURCE + " is missing from the jar");
                }
                return Model.read(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static List<String> featureNames() {
        List<String> names = new ArrayList<>();
        for (Cue c : CUES) {
            names.add(c.name());
        }
        for (String[] p : PAIRS) {
            names.add(p[0] + "+" + p[1]);
        }
        names.addAll(List.of("you-density>0.03", "you-density>0.08", "code-chars>0.05", "code-chars>0.15", "long"));
        return List.copyOf(names);
    }

    /** The passages a text is judged by: the text itself if it is one short line, else its {@link ContentWindows}. */
    public static List<String> passages(String normalized) {
        List<String> w = ContentWindows.of(normalized);
        return w.isEmpty() ? List.of(normalized) : w;
    }

    /** The features of one normalised (lower-cased) passage, 0 or 1 each, in the order of {@link #FEATURES}. */
    public static double[] features(String passage) {
        double[] x = new double[FEATURES.size()];
        Map<String, Boolean> hit = new LinkedHashMap<>();
        int i = 0;
        for (Cue c : CUES) {
            boolean h = c.in(passage);
            hit.put(c.name(), h);
            x[i++] = h ? 1 : 0;
        }
        for (String[] p : PAIRS) {
            x[i++] = hit.get(p[0]) && hit.get(p[1]) ? 1 : 0;
        }
        int words = Math.max(1, ContentWindows.words(passage.strip(), Integer.MAX_VALUE));
        int you = 0;
        int code = 0;
        for (String w : passage.split("[^a-z']+")) {
            you += w.equals("you") || w.equals("your") || w.equals("yours") || w.equals("yourself") ? 1 : 0;
        }
        for (int k = 0; k < passage.length(); k++) {
            code += "{}[]();=<>\"\\/_|".indexOf(passage.charAt(k)) >= 0 ? 1 : 0;
        }
        double density = (double) you / words;
        double codeShare = (double) code / Math.max(1, passage.length());
        x[i++] = density > 0.03 ? 1 : 0;
        x[i++] = density > 0.08 ? 1 : 0;
        x[i++] = codeShare > 0.05 ? 1 : 0;
        x[i++] = codeShare > 0.15 ? 1 : 0;
        x[i] = passage.length() > 200 ? 1 : 0;
        return x;
    }

    /**
     * A logistic model over {@link #FEATURES}: weights, intercept, and the threshold a document's score is flagged at.
     *
     * @param weights one weight per feature, in the order of {@link #FEATURES}
     */
    public record Model(double[] weights, double intercept, double threshold) {
        public Model {
            if (weights.length != FEATURES.size()) {
                throw new IllegalArgumentException("a carried model needs " + FEATURES.size() + " weights, got "
                        + weights.length);
            }
            if (!(threshold > 0 && threshold < 1)) {
                throw new IllegalArgumentException("the carried threshold must be in (0, 1): " + threshold);
            }
            weights = weights.clone();
        }

        @Override
        public double[] weights() {
            return weights.clone();
        }

        /** The probability that one passage's features are those of an instruction addressed to the assistant. */
        public double score(double[] x) {
            double z = intercept;
            for (int k = 0; k < x.length; k++) {
                z += weights[k] * x[k];
            }
            return 1 / (1 + Math.exp(-z));
        }

        /** A normalised text's score: its highest passage's. */
        public double scoreText(String normalized) {
            double best = 0;
            for (String p : passages(normalized)) {
                best = Math.max(best, score(features(p)));
            }
            return best;
        }

        /**
         * Reads the {@code name<TAB>value} lines of a model file ({@code #} starts a comment): {@code intercept},
         * {@code threshold} and one line per feature. An unknown or missing name is an error that names it.
         */
        public static Model read(InputStream in) {
            Map<String, Double> values = new LinkedHashMap<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                int n = 0;
                while ((line = r.readLine()) != null) {
                    n++;
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    String[] f = line.split("\t");
                    if (f.length != 2) {
                        throw new IllegalArgumentException("carried model, line " + n + ": expected name<TAB>value");
                    }
                    values.put(f[0], Double.parseDouble(f[1]));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            double[] w = new double[FEATURES.size()];
            for (int k = 0; k < w.length; k++) {
                Double v = values.remove(FEATURES.get(k));
                if (v == null) {
                    throw new IllegalArgumentException("carried model: no weight for feature " + FEATURES.get(k));
                }
                w[k] = v;
            }
            Double b = values.remove("intercept");
            Double t = values.remove("threshold");
            if (b == null || t == null) {
                throw new IllegalArgumentException("carried model: intercept and threshold are required");
            }
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("carried model: unknown names " + values.keySet());
            }
            return new Model(w, b, t);
        }
    }
}
