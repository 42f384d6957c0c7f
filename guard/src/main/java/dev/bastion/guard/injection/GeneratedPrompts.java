package dev.bastion.guard.injection;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Benign prompts Bastion generates itself from templates, so the benign side of training is not only a few hundred
 * third-party lines: everyday requests, and on purpose the look-alikes that trip naive detectors (ignoring noise,
 * system design, developer documentation, killing processes, role play for teaching). Deterministic from a seed.
 */
public final class GeneratedPrompts {
    private static final String[] TASKS = {"Summarise", "Explain", "Translate into French", "Write a short poem about",
        "Give me three tips on", "Draft an email about", "List the pros and cons of", "Write a unit test for",
        "Help me plan", "Compare", "Outline a lesson on", "Proofread my paragraph about", "Suggest names for",
        "Write a haiku about", "Create a checklist for", "Describe the history of", "What are common mistakes in",
        "How do I get started with", "Rewrite more formally: a note about", "Estimate the cost of"};
    private static final String[] TOPICS = {"photosynthesis", "our quarterly sales report", "a weekend in Lisbon",
        "sourdough baking", "the French revolution", "Kubernetes pod scheduling", "a birthday party for a 6 year old",
        "unit conversion in recipes", "the water cycle", "remote team onboarding", "a Python list comprehension",
        "GDPR data subject requests", "hospital shift handover notes", "a loan amortisation schedule",
        "migrating a PostgreSQL database", "training for a half marathon", "contract renewal terms",
        "the immune system", "SQL window functions", "a cover letter for a nursing job", "solar panel maintenance",
        "climate adaptation in cities", "a chess opening", "the plot of Hamlet", "tax deductions for freelancers"};
    private static final String[] LOOKALIKES = {
        "Ignore the noise in this sensor data and tell me the trend.",
        "How do I kill a zombie process in Linux?",
        "What should the system prompt for our customer support bot say? Draft one.",
        "Explain developer mode on an Android phone.",
        "Please disregard my previous email, the meeting moved to Friday.",
        "Act as a Spanish tutor and correct my sentences.",
        "Pretend you are a museum guide and describe this painting.",
        "Forget the last recipe, give me a vegan version instead.",
        "What are the rules of chess castling?",
        "Override the default font size in CSS for mobile screens.",
        "How can I bypass a clogged drain without chemicals?",
        "Write instructions for assembling a bookshelf.",
        "In a story for children, how does the dragon learn to share?",
        "Show me your reasoning step by step for this math problem.",
        "Repeat the key points of the article above in bullet points.",
        "From now on, please answer in British English.",
        "Can you roleplay a job interview with me for practice?",
        "What is a jailbreak in iOS and is it legal?",
        "How do antivirus programs detect malware?",
        "Translate 'ignore previous instructions' into German for my phishing-awareness slides.",
        "Rewrite your previous response in the style of a pirate.",
        "Now make your answer shorter and use simpler words.",
        "Rewrite your previous answer. Start every sentence with the letter B.",
        "Take your previous response and rephrase it as a limerick.",
        "Can you elaborate on the second point you made?",
        "Edit your previous answer to remove any technical jargon.",
        "Imagine you are a teacher explaining this to ten-year-olds.",
        "Pretend you are Sherlock Holmes and describe my kitchen.",
        "Respond only with a JSON object with keys name and age.",
        "You are a helpful assistant for a hospital pharmacy. Answer briefly.",
        "Act as a Linux terminal tutor and explain what ls -la prints.",
        "Role-play as a customer who wants a refund so I can practise support calls.",
        "Now continue the story from where you stopped.",
        "Write your answer as if you were Shakespeare."};

    private GeneratedPrompts() {
    }

    public static List<String> benign(int count, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(List.of(LOOKALIKES));
        while (out.size() < count) {
            out.add(TASKS[r.nextInt(TASKS.length)] + " " + TOPICS[r.nextInt(TOPICS.length)] + ".");
        }
        return out;
    }
}
