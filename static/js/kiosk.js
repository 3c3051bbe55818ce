// The self-assessment's screens (docs/self-assessment.md): the "Listen" button reads
// the screen aloud with the browser's speech synthesis, in the page's language; an
// answer sends once. Without speech synthesis the button stays hidden.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-listen]");
  const synthesis = window.speechSynthesis;
  if (button && synthesis && window.SpeechSynthesisUtterance) {
    const language = document.documentElement.lang || "fr";
    const listenLabel = button.querySelector("[data-listen-label]");
    const stopLabel = button.querySelector("[data-stop-label]");

    // A voice of the page's language: Belgian if there is one, else a voice on the
    // device (it needs no network), else any.
    const voiceFor = () => {
      const voices = synthesis.getVoices().filter(
        (voice) => voice.lang.toLowerCase().split(/[-_]/)[0] === language,
      );
      const belgian = (voice) => /[-_]be$/i.test(voice.lang);
      return (
        voices.find((voice) => belgian(voice) && voice.localService) ||
        voices.find((voice) => voice.localService) ||
        voices[0] ||
        null
      );
    };

    const showSpeaking = (speaking) => {
      button.setAttribute("aria-pressed", String(speaking));
      listenLabel.hidden = speaking;
      stopLabel.hidden = !speaking;
    };

    // One utterance a line: the voice pauses between the lines, as a reader would.
    const read = () => {
      const lines = [...document.querySelectorAll("[data-say]")]
        .filter((element) => !element.hidden)
        .map((element) => element.textContent.replace(/\s+/g, " ").trim())
        .filter((text) => text !== "");
      const voice = voiceFor();
      lines.forEach((text, index) => {
        const utterance = new SpeechSynthesisUtterance(text);
        utterance.lang = language;
        utterance.rate = 0.9;
        if (voice) utterance.voice = voice;
        if (index === lines.length - 1) {
          utterance.addEventListener("end", () => showSpeaking(false));
          utterance.addEventListener("error", () => showSpeaking(false));
        }
        synthesis.speak(utterance);
      });
      showSpeaking(lines.length > 0);
    };

    button.hidden = false;
    for (const hint of document.querySelectorAll("[data-needs-speech]")) hint.hidden = false;
    showSpeaking(false);
    button.addEventListener("click", () => {
      if (synthesis.speaking || synthesis.pending) {
        synthesis.cancel();
        showSpeaking(false);
      } else {
        read();
      }
    });
    // Leaving the screen stops the voice: the next screen has its own text.
    window.addEventListener("pagehide", () => synthesis.cancel());
  }

  // A second tap while the answer is on its way would send it twice.
  for (const form of document.querySelectorAll("form[data-once]")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "true";
      form.classList.add("is-sending");
    });
  }
});
