package dev.bastion.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * Renders the console's templates, which jte compiled to Java at build time (src/main/jte): a template that does
 * not type-check fails the build, and every {@code ${...}} is escaped for the HTML context it appears in.
 */
final class Html {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(null, ContentType.Html,
            Html.class.getClassLoader(), "dev.bastion.console.templates");

    String render(String template, Object model) {
        StringOutput out = new StringOutput();
        engine.render(template, model, out);
        return out.toString();
    }
}
