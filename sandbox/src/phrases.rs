//! Word lists for the demo inbox: names, headlines and message texts in many scripts.

pub const FIRST_NAMES: &[&str] = &[
    "Maria", "James", "Aiko", "Liam", "Sofia", "Noah", "Chloé", "Mateo", "Priya", "Lukas", "Amara", "Jonas",
    "Elena", "Omar", "Ingrid", "Kenji", "Fatima", "Lucas", "Zoë", "Ravi", "Hannah", "Diego", "Sara", "Mikael",
];
pub const LAST_NAMES: &[&str] = &[
    "García", "Smith", "Tanaka", "Murphy", "Rossi", "Müller", "Dubois", "Silva", "Sharma", "Nowak", "Okafor",
    "Lindqvist", "Kowalski", "Haddad", "Ødegård", "Nakamura", "Benali", "Costa", "van Dijk", "Iyer", "Schmidt",
];
/// Whole names in non-Latin scripts, used for some participants.
pub const NON_LATIN_NAMES: &[(&str, &str)] = &[
    ("张", "伟"), ("Мария", "Иванова"), ("مريم", "الحسن"), ("יעל", "כהן"), ("佐藤", "花子"), ("김", "민준"),
];
pub const HEADLINES: &[&str] = &[
    "Head of Talent Acquisition at Northwind",
    "Senior Software Engineer | Rust, WebAssembly",
    "VP Sales EMEA at Contoso",
    "Founder & CEO at a stealth startup 🚀",
    "Technical Recruiter — hiring backend engineers",
    "Product Manager at Globex",
    "Account Executive | SaaS | Helping teams sell better",
    "Data Scientist at Initech",
    "Marketing Director, B2B growth",
    "Engineering Manager at Umbrella Corp",
    "Freelance UX designer ✏️",
    "Customer Success Lead at Hooli",
];
pub const COMPANIES: &[&str] = &["Northwind", "Contoso", "Globex", "Initech", "Hooli", "Umbrella", "Acme"];
pub const MESSAGES: &[&str] = &[
    "Hi! Thanks for connecting.",
    "Would you be open to a quick call next week?",
    "Sure, Tuesday at 10:00 works for me.",
    "Great, I'll send an invite.",
    "Thanks for reaching out! Can you share more details about the role?",
    "Here is the job description: remote-first, Rust + TypeScript, EU time zones.",
    "Sounds interesting — what's the salary range?",
    "Let me check with the hiring manager and get back to you.",
    "Congrats on the new position! 🎉",
    "Thank you so much 🙏",
    "Are you attending the conference in Lisbon?",
    "Yes! Let's grab a coffee there ☕",
    "Could you send me the deck?",
    "Just sent it over, let me know what you think.",
    "Following up on my last message 🙂",
    "Not the right time for us, maybe next quarter.",
    "¡Hola! ¿Cómo estás? 😊",
    "Bonjour, merci pour votre message !",
    "Danke für die Nachricht, ich melde mich morgen.",
    "こんにちは、よろしくお願いします。",
    "Привет! Давай созвонимся завтра?",
    "مرحبا، هل أنت متاح للحديث هذا الأسبوع؟",
    "שלום! תודה רבה על ההזדמנות",
    "你好，我们下周聊聊？",
    "안녕하세요, 반갑습니다!",
    "Happy to help — ping me anytime.",
    "Looping in my colleague who owns procurement.",
    "Did you get a chance to look at the proposal?",
    "👍",
    "Perfect, talk soon!",
];
