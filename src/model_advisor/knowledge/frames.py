"""The built-in wordings behind the `question` and `output` rule conditions.

A rule can say *how* a task asks (``{kind: question, frames: [yes-no]}``) or *what it
outputs* (``{kind: output, types: [prose]}``) without listing the wordings itself. Each name
stands for one RE2 pattern over the lower-cased task, written and tested here once, so every
rule that uses a name means the same thing by it. Like the stemmer, the wordings are English.

The patterns spell a word as ``[a-z0-9]`` rather than ``\\w``: the task is lower-cased
before it is searched, and RE2's automaton for the ASCII class is smaller than for Unicode's
(the whole set of rule patterns ran about a fifth faster on text of new words).

The notes define discriminative models as answering "closed-ended questions with predefined
answers": the question frames find such questions even when the verb is one of making
("write down whether...", "generate a yes/no for..."), and the label and number output types
find closed answers asked that way ("a list of which...", "a heatmap of where...", "a
match/no-match decision for...", "into one of four codes", "write down the expected...").
The other output types find what comes out when that is content ("...as a paragraph", "write
a caption under...") even when the verb is one of judging ("predict the next chapter and
write it").
"""

from __future__ import annotations

from typing import Literal

QuestionFrame = Literal["yes-no", "which-of", "how-much", "open"]
OutputType = Literal["prose", "code", "image", "audio", "continuation", "label", "number"]

_ARTICLE = r"(?:(?:a|an|the|one|some|short|brief|little|new|nice|friendly|full) )?"
_PROSE_NOUNS = (
    r"(?:paragraph|essay|story|stories|letter|email|e-mail|post|article|summary|summaries|"
    r"report|caption|description|reply|replies|response|responses|poem|speech|narrative|"
    r"blurb|copy|note|message|bio|newsletter|announcement|explanation|commentary|recap|"
    r"write-up|writeup|memo|paragraphs|sentences?|headline|tagline|slogan|chapter|lyrics|"
    r"review|critique|obituary|eulogy|toast|verse|joke|manual|guide|tutorial)s?"
)

QUESTION_PATTERNS: dict[QuestionFrame, str] = {
    # a yes/no answer per item: "whether", "tell me if", "true or false", "is it ..."
    "yes-no": (
        r"\b(?:whether|yes or no|yes/no|yes-no|true or false|true/false|"
        r"(?:tell|let) (?:me|us) (?:if|when)|(?:check|see|find out|decide|determine|say|know) "
        r"if|is (?:it|this|that|there)|are (?:these|they|there)|does (?:it|this|the)|"
        r"do (?:they|these)|(?:put|place|add) a (?:mark|tick|flag|cross|star|check) "
        r"(?:on|next to|against|by|beside)|tick (?:off )?(?:each|every|any|the)|or not)\b"
    ),
    # one of given options: "which of", "which one", "which supplier is ..."
    "which-of": (
        r"\b(?:which (?:of|one|ones)|which [a-z0-9]+ (?:each|every|it|this|they|is|are|was|were|"
        r"will|would|has|have|should|came|belongs?|needs?)|"
        r"(?:pick|choose|select) (?:the (?:best|right|most)|which)|"
        # an embedded question: "tell me the language each ticket is in", "what team every..."
        r"(?:tell|show) (?:me|us) (?:the|what) [a-z0-9-]+ (?:each|every)|"
        r"who (?:is|are|was|will) (?:in|most|likely|the))\b"
    ),
    # a number: "how many", "how likely", "what percentage"
    "how-much": (
        r"\b(?:how (?:many|much|likely|long|often|probable|far|big|old|fast|soon)|"
        r"what (?:percentage|share|proportion|fraction|are the odds|is the probability|"
        r"probability|are the chances))\b"
    ),
    # ideas without fixed answers: "what could", "brainstorm", "come up with"
    "open": (
        r"\b(?:what (?:could|might|would) (?:we|i|you)|how (?:could|might) (?:we|i)|"
        r"ideas (?:for|about|on)|brainstorm|come up with|dream up|imagine)\b"
    ),
}

OUTPUT_PATTERNS: dict[OutputType, str] = {
    # text for people to read: "write a caption", "as a paragraph", "in plain english"
    "prose": (
        rf"\b(?:write|writes|writing|draft|drafts|compose|composes|pen|"
        rf"turn [a-z0-9]+(?: [a-z0-9]+)? into|"
        rf"(?:re)?write up|put together) {_ARTICLE}(?:[a-z0-9]+ ){{0,2}}{_PROSE_NOUNS}\b|"
        r"\b(?:in|as|into) (?:a |an |the )?(?:[a-z0-9]+ )?(?:paragraph|prose|plain english|"
        r"plain language|plain words|full sentences|sentence|a story|narrative|email|letter|"
        r"summary|written summary|report|script|bulleted list|bullet points|blog post|poem|"
        r"blurb|description|caption|tweet|post)s?\b|"
        r"\bwrite (?:it|them|this|that|up|down a|the rest)\b"
    ),
    # program text: "write the code for", "a script that", "generate sql"
    "code": (
        r"\b(?:write|writes|generate|generates|create|produce|draft|build|code up) "
        r"(?:the |a |an |some )?(?:[a-z0-9]+ )?(?:code|script|function|program|sql|query|queries|"
        r"regex|unit tests?|api client|boilerplate|snippet|class|module|dockerfile|"
        r"config(?:uration)?)\b|\b(?:text|natural language|english)[- ]to[- ](?:sql|code)\b"
    ),
    # pictures: "draw", "an illustration of", "a watercolour version"
    "image": (
        r"\b(?:draw|paint|sketch|illustrate) (?:a|an|me|us|the|my|our|some|[a-z0-9]+s)\b|"
        r"\brender (?:a|an|me|us|the|my|our|some)\b|"
        # what was predicted, made visible: "... and render them", "draw it as a picture"
        r"\b(?:render|draw|paint|sketch|illustrate) (?:it|them|those|these|that)\b|"
        r"\b(?:show|output|return|present|display|deliver)(?: [a-z0-9']+){0,3} as (?:an? )?"
        r"(?:images?|pictures?|illustrations?|drawings?)\b|"
        r"\bwhat (?:[a-z0-9']+ ){1,4}(?:would|will|might|could) look like\b|"
        r"\b(?:an? |the )?(?:image|picture|"
        r"illustration|drawing|painting|logo|poster|artwork|render|icon|sketch|cartoon|"
        r"portrait|mock-?up|thumbnail|wallpaper|(?:watercolou?r|oil|pencil|anime) "
        r"(?:version|style|painting)) (?:of|for|showing|that shows|in the style)\b|"
        r"\b(?:text|sketch|image|photo)[- ]to[- ](?:image|photo|picture|3d)\b"
    ),
    # sound: "a jingle", "narrate", "a voice-over", "text to speech"
    "audio": (
        r"\b(?:narrate|sing) (?:a|an|me|us|the|my|our|some|it|them|this)\b|"
        r"\bcompose (?:a|an|me|us|the|my|our|some) (?:[a-z0-9-]+ ){0,2}(?:song|tune|melody|"
        r"piece|track|score|jingle|lullaby|march|symphony|anthem|soundtrack|theme|music|ballad|"
        r"waltz|hymn|riff|beat|fanfare)s?\b|"
        r"\b(?:a |an |the )?(?:song|melody|jingle|"
        r"soundtrack|voice-?over|podcast|audiobook|ringtone|beat|sound effects?|narration|"
        r"tune) (?:for|about|of|that|to)\b|\b(?:text|lyrics)[- ]to[- ](?:speech|audio|music|"
        r"song|voice)\b"
    ),
    # the input carried on: "the next chapter", "what comes next", "autocomplete"
    "continuation": (
        r"\bnext (?:[0-9]+ |few |two |three |four )?(?:chapter|paragraph|verse|scene|sentence|page|"
        r"bar|measure|episode|line)s?\b|\bthe rest of (?:the|this|my|our) (?:story|melody|song|"
        r"poem|novel|chapter|sentence|script|code|track|book|tune|piece|essay|speech)\b|"
        r"\b(?:(?:continue|finish|complete|extend) (?:the|my|our|this) (?:story|"
        r"sentence|song|melody|poem|novel|code|chapter|draft|text|line)|what (?:happens|comes) "
        r"next in (?:the|my|our) (?:story|novel|book|plot)|autocomplete|auto-complete)\b"
    ),
    # one of fixed classes: "label each", "tag it as", "a category for"
    "label": (
        r"\b(?:label|labels|tag|tags|categori[sz]e|classify|flag|mark) (?:each|every|all|"
        r"them|it|the|as|by)\b|\b(?:a|one|the) (?:[a-z0-9-]+ )?(?:label|category|class|tag|"
        r"verdict) (?:for|per|to)\b|\b(?:spam or not|real or fake|fake or real|pass or fail|"
        r"positive or negative|good or bad|0 or 1|1 or 0|0/1)\b|"
        # an indicator: "1 if the customer comes back, otherwise 0", "yes if ... and no if not"
        r"\b(?:[01]|yes) (?:if|when)\b[^.;!?]{1,80}?\b(?:otherwise|else|if not|or|and) "
        r"(?:[01]|no)\b|\b(?:otherwise|else),? (?:put |write |mark |a )?[01]\b|"
        r"\b[01] (?:otherwise|else)\b|"
        # a map of what is in an image: "a depth map for each frame", "bounding boxes around"
        r"\b(?:depth maps?|segmentation masks?|bounding box(?:es)?|keypoints?|pose skeletons?) "
        r"(?:for|of|per|around|on)\b|"
        # a map or mask of where something is: "a heatmap of where", "a per-pixel mask"
        r"\b(?:map|maps|heatmaps?|heat maps?|masks?|overlay) (?:of|showing|that shows|marking) "
        r"(?:where|which)\b|\b(?:per-pixel|pixel-wise|pixelwise|binary) (?:[a-z0-9-]+ )?"
        r"(?:masks?|maps?|labels?)\b|"
        # a decision or a list of which: "a match/no-match decision for", "a list of which"
        r"\b(?:a|one|the) (?:[a-z0-9/-]+ ){0,2}decisions? (?:for|per|on|about|whether)\b|"
        r"\blist of (?:which|whether|who)\b|"
        # one of given classes: "into one of four codes", "to one of our five plans"
        r"\b(?:into|to|as) one of (?:the |our |these |those |their )?(?:[a-z0-9-]+ ){0,3}(?:codes|"
        r"categories|classes|labels|ratings|levels|grades|groups|buckets|bins|tiers|types|"
        r"plans|options|scores|bands|classes|stages|kinds)\b|"
        # only the answer: "respond with only the genre", "return just one word"
        r"\b(?:respond|reply|answer|return|output) (?:with )?(?:only|just) (?:the|a|one)\b|"
        # a mark beside each item: "write a 1 next to each", "put an x against every"
        r"\b(?:write|note|jot|mark) down (?:whether|if|which)\b|"
        r"\b(?:write|put|add|place) (?:[^ ]+ ){1,3}(?:next to|beside|against) (?:each|every|all|"
        r"any|the)\b|\b(?:a|the) (?:ranking|ranked list|shortlist|league table) of\b|"
        # a selection of what exists: "a list of the 20 existing tracks closest to..."
        r"\blist of (?:the )?(?:[0-9]+ |top )?(?:existing|closest|nearest|most similar)\b|"
        # the answers listed: "(entailment, neutral, contradiction)", "(red, amber, green)"
        r"\((?:[a-z0-9-]+(?: [a-z0-9-]+)?, ){1,5}(?:or )?[a-z0-9-]+(?: [a-z0-9-]+)?\)|"
        r"\((?:[a-z0-9-]+/){1,5}[a-z0-9-]+\)|"
        # the answers listed after a colon, to the end: ": person, pet, food or landscape."
        r":\s*(?:[a-z0-9-]+(?: [a-z0-9-]+)?, ){1,6}(?:[a-z0-9-]+(?: [a-z0-9-]+)?,? )?"
        r"or [a-z0-9-]+(?: [a-z0-9-]+)?[.?!]*\s*$"
    ),
    # a number: "a score from 1 to 5", "a probability", "a rating"
    "number": (
        r"\b(?:a |an |the )?(?:score|rating|grade|probability|percentage|likelihood|"
        r"estimate|number|count|risk score|confidence) (?:from|of|between|for|per|out of|"
        r"on a)\b|\bout of (?:5|10|100|five|ten)\b|\bon a scale\b|\b[0-9]+ to [0-9]+\b|"
        # an expected amount written down: "write down the expected output"
        r"\b(?:write|note|jot|put) down (?:the|an?|each|every) (?:expected|estimated|predicted|"
        r"likely|probable)\b"
    ),
}
