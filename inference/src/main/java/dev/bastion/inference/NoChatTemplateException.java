package dev.bastion.inference;

/**
 * A chat was asked of a model that has no chat template: a base model, which only continues text. The message
 * says why no template was found and what the model can do instead; it never contains the prompt.
 *
 * <p>It is an {@link IllegalArgumentException} because the request, not the model, is wrong: the same model
 * answers {@link LocalModel#rawPrompt raw prompts}. Callers that want to refuse early check
 * {@link LocalModel#chatTemplate()} instead.
 */
public final class NoChatTemplateException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    NoChatTemplateException(String reason) {
        super("this model cannot chat: " + reason + ". It is a base model: it continues plain text (as "
                + "bastion generate does) but has no chat format to answer messages in");
    }
}
