"""Everyday words for node types: what users say, mapped to the nodes that do it.

Each entry maps a phrase (plural-free, lower case) to node types with a weight (1.0: the node
that phrase names; lower: a node that often does the job). Phrases marked ``SOFT`` describe a
capability rather than a product, so they rank workflows up instead of filtering them.
Product names come from the node vocabulary (``nodes.json``); this file adds what it lacks.
"""

from __future__ import annotations

EMAIL = {"gmail": 1.0, "emailSend": 1.0, "emailReadImap": 0.7, "microsoftOutlook": 0.7, "gmailTrigger": 0.8,
         "sendGrid": 0.5, "mailgun": 0.5, "mailjet": 0.4, "awsSes": 0.4}
SHEETS = {"googleSheets": 1.0, "googleSheetsTrigger": 0.85, "microsoftExcel": 0.5, "spreadsheetFile": 0.4}
AI = {"openAi": 1.0, "lmChatOpenAi": 0.8, "agent": 0.8, "chainLlm": 0.7, "lmOpenAi": 0.7, "anthropic": 0.6,
      "lmChatAnthropic": 0.6, "googleGemini": 0.6, "lmChatGoogleGemini": 0.6, "mistralAi": 0.5,
      "lmChatOllama": 0.5, "aiTransform": 0.5, "informationExtractor": 0.5, "textClassifier": 0.5}
SCHEDULE = {"scheduleTrigger": 1.0, "cron": 1.0, "interval": 0.8}
CODE = {"code": 1.0, "function": 1.0, "functionItem": 0.9, "executeCommand": 0.5}
HTTP = {"httpRequest": 1.0}
SCRAPE = {"httpRequest": 1.0, "html": 1.0, "htmlExtract": 1.0}
IMAGE = {"editImage": 1.0}
FILES = {"readBinaryFile": 0.8, "writeBinaryFile": 0.8, "readWriteFile": 1.0, "readBinaryFiles": 0.8,
         "convertToFile": 0.7, "extractFromFile": 0.7, "moveBinaryData": 0.5}
PDF = {"readPDF": 1.0, "extractFromFile": 0.8, "convertToFile": 0.5}
CSV = {"spreadsheetFile": 1.0, "convertToFile": 0.8, "extractFromFile": 0.8}
DATABASE = {"postgres": 1.0, "mySql": 1.0, "microsoftSql": 0.8, "mongoDb": 0.8, "redis": 0.6, "supabase": 0.6,
            "snowflake": 0.5, "questDb": 0.5, "timescaleDb": 0.5, "crateDb": 0.5}
CRM = {"hubspot": 1.0, "salesforce": 1.0, "pipedrive": 1.0, "zohoCrm": 0.9, "agileCrm": 0.8, "copper": 0.7,
       "freshworksCrm": 0.8, "keap": 0.7, "hubspotTrigger": 0.8, "pipedriveTrigger": 0.8}
CHAT = {"slack": 1.0, "telegram": 0.9, "discord": 0.9, "mattermost": 0.7, "microsoftTeams": 0.8,
        "rocketchat": 0.6, "matrix": 0.5, "zulip": 0.5, "googleChat": 0.6}
SMS = {"twilio": 1.0, "vonage": 0.8, "plivo": 0.7, "messageBird": 0.7, "msg91": 0.6, "sms77": 0.6, "mocean": 0.5}
PAYMENT = {"stripe": 1.0, "stripeTrigger": 0.9, "payPal": 0.9, "payPalTrigger": 0.8, "chargebee": 0.6,
           "paddle": 0.6, "wise": 0.5}
NEWSLETTER = {"mailchimp": 1.0, "sendGrid": 0.7, "mailerLite": 0.7, "convertKit": 0.7, "getResponse": 0.6,
              "activeCampaign": 0.6, "sendy": 0.5, "mailjet": 0.5, "lemlist": 0.5}
TASKS = {"todoist": 0.8, "asana": 0.8, "trello": 0.8, "clickUp": 0.8, "notion": 0.6, "jira": 0.6,
         "mondayCom": 0.6, "googleTasks": 0.8, "microsoftToDo": 0.7, "wekan": 0.5}
TICKETS = {"jira": 1.0, "zendesk": 0.9, "freshdesk": 0.9, "helpScout": 0.7, "zammad": 0.7, "serviceNow": 0.7,
           "linear": 0.7, "github": 0.6, "gitlab": 0.5}
FORMS = {"formTrigger": 1.0, "typeformTrigger": 0.9, "jotFormTrigger": 0.8,
         "wufooTrigger": 0.7, "formstackTrigger": 0.7, "surveyMonkeyTrigger": 0.7, "koBoToolbox": 0.5, "form": 0.8}
CALENDAR = {"googleCalendar": 1.0, "googleCalendarTrigger": 0.9, "microsoftOutlook": 0.5, "calendlyTrigger": 0.7,
            "iCal": 0.6, "calTrigger": 0.6}
STORAGE = {"googleDrive": 1.0, "dropbox": 0.9, "box": 0.8, "microsoftOneDrive": 0.8, "nextCloud": 0.7,
           "awsS3": 0.8, "s3": 0.7, "ftp": 0.6}
VIDEO = {"youTube": 1.0}
TRANSLATE = {"deepL": 1.0, "googleTranslate": 1.0, "lingvaNex": 0.7}
SOCIAL = {"twitter": 1.0, "linkedIn": 0.9, "facebookGraphApi": 0.8, "reddit": 0.7}
TRANSCRIBE = {"openAi": 1.0, "awsTranscribe": 0.9}
BACKUP = {"n8n": 0.7, "github": 0.5, "googleDrive": 0.5, "git": 0.5, "dropbox": 0.5, "awsS3": 0.4}
VECTOR = {"vectorStorePinecone": 1.0, "vectorStoreQdrant": 1.0, "vectorStoreSupabase": 1.0,
          "vectorStoreInMemory": 0.8, "embeddingsOpenAi": 0.9, "vectorStorePGVector": 0.8}

#: phrase -> node types. Capability phrases (SOFT) rank up; product phrases filter.
SYNONYMS: dict[str, dict[str, float]] = {
    # product nicknames and old names
    "sheet": SHEETS, "spreadsheet": SHEETS, "google sheet": {"googleSheets": 1.0, "googleSheetsTrigger": 0.85},
    "gsheet": SHEETS, "excel": {"microsoftExcel": 1.0, "spreadsheetFile": 0.6},
    "tweet": {"twitter": 1.0}, "twitter": {"twitter": 1.0}, "x com": {"twitter": 1.0},
    "gpt": AI, "chatgpt": AI, "gpt4": AI, "gpt 4": AI, "openai": {"openAi": 1.0, "lmChatOpenAi": 0.8,
                                                                  "embeddingsOpenAi": 0.6, "lmOpenAi": 0.7},
    "open ai": {"openAi": 1.0, "lmChatOpenAi": 0.8}, "dall e": {"openAi": 1.0}, "dalle": {"openAi": 1.0},
    "whisper": {"openAi": 1.0}, "claude": {"anthropic": 1.0, "lmChatAnthropic": 1.0},
    "gemini": {"googleGemini": 1.0, "lmChatGoogleGemini": 1.0}, "llama": {"lmChatOllama": 1.0, "ollama": 0.8},
    "google doc": {"googleDocs": 1.0}, "gdrive": {"googleDrive": 1.0}, "drive": STORAGE,
    "outlook": {"microsoftOutlook": 1.0, "microsoftOutlookTrigger": 0.85},
    "teams": {"microsoftTeams": 1.0}, "onedrive": {"microsoftOneDrive": 1.0},
    "s3": {"awsS3": 1.0, "s3": 1.0}, "lambda": {"awsLambda": 1.0}, "sqs": {"awsSqs": 1.0}, "ses": {"awsSes": 1.0},
    "monday": {"mondayCom": 1.0}, "hub spot": {"hubspot": 1.0}, "click up": {"clickUp": 1.0},
    "whats app": {"whatsApp": 1.0, "whatsAppTrigger": 0.9}, "mysql": {"mySql": 1.0},
    "postgresql": {"postgres": 1.0}, "postgre": {"postgres": 1.0}, "mongo": {"mongoDb": 1.0},
    "mongodb": {"mongoDb": 1.0}, "sql server": {"microsoftSql": 1.0}, "mssql": {"microsoftSql": 1.0},
    "linkedin": {"linkedIn": 1.0}, "facebook": {"facebookGraphApi": 1.0, "facebookTrigger": 0.9,
                                                "facebookLeadAdsTrigger": 0.8},
    "instagram": {"facebookGraphApi": 0.8}, "youtube": {"youTube": 1.0}, "paypal": {"payPal": 1.0,
                                                                                      "payPalTrigger": 0.9},
    "woocommerce": {"wooCommerce": 1.0, "wooCommerceTrigger": 0.9}, "woo": {"wooCommerce": 1.0},
    "home assistant": {"homeAssistant": 1.0}, "nasa": {"nasa": 1.0}, "weather": {"openWeatherMap": 1.0},
    "openweather": {"openWeatherMap": 1.0}, "rss": {"rssFeedRead": 1.0, "rssFeedReadTrigger": 1.0},
    "rss feed": {"rssFeedRead": 1.0, "rssFeedReadTrigger": 1.0}, "feed": {"rssFeedRead": 1.0,
                                                                          "rssFeedReadTrigger": 1.0},
    "n8n": {"n8n": 1.0, "n8nTrigger": 0.7}, "n8n api": {"n8n": 1.0},
    "imap": {"emailReadImap": 1.0}, "smtp": {"emailSend": 1.0}, "send email": EMAIL, "send mail": EMAIL,
    # capabilities
    "email": EMAIL, "mail": EMAIL, "e mail": EMAIL, "inbox": EMAIL, "attachment": {"gmail": 0.6,
                                                                                     "emailReadImap": 0.5},
    "ai": AI, "llm": AI, "gpt model": AI, "language model": AI, "summarize": {**AI, "summarize": 0.3},
    "chatbot": {"chatTrigger": 0.6, "agent": 0.5, "telegramTrigger": 0.4},
    "agent": {"agent": 1.0}, "ai agent": {"agent": 1.0}, "embedding": VECTOR, "vector": VECTOR,
    "rag": VECTOR, "transcribe": TRANSCRIBE, "transcription": TRANSCRIBE, "speech": TRANSCRIBE,
    "schedule": SCHEDULE, "scheduled": SCHEDULE, "daily": SCHEDULE, "hourly": SCHEDULE, "weekly": SCHEDULE,
    "monthly": SCHEDULE, "every day": SCHEDULE, "every hour": SCHEDULE, "every morning": SCHEDULE,
    "every week": SCHEDULE, "every minute": SCHEDULE, "cron": SCHEDULE, "periodically": SCHEDULE,
    "timer": SCHEDULE,
    "code": CODE, "javascript": CODE, "js": CODE, "python": {"code": 1.0}, "script": CODE,
    "function": CODE, "shell": {"executeCommand": 1.0, "ssh": 0.7}, "command": {"executeCommand": 1.0},
    "http": HTTP, "api": {**HTTP, "webhook": 0.5}, "rest": HTTP, "http request": HTTP, "request": HTTP,
    "endpoint": {"webhook": 0.8, "httpRequest": 0.7}, "url": HTTP, "download": {"httpRequest": 0.8},
    "fetch": HTTP, "call": {"httpRequest": 0.6},
    "scrape": SCRAPE, "scraper": SCRAPE, "scraping": SCRAPE, "crawl": SCRAPE, "crawler": SCRAPE,
    "web page": {"httpRequest": 1.0, "html": 0.6, "htmlExtract": 0.6}, "webpage": {"httpRequest": 1.0},
    "website": {"httpRequest": 1.0, "html": 0.5, "htmlExtract": 0.5}, "html": {"html": 1.0, "htmlExtract": 1.0},
    "parse html": {"html": 1.0, "htmlExtract": 1.0}, "xml": {"xml": 1.0}, "markdown": {"markdown": 1.0},
    "webhook": {"webhook": 1.0, "respondToWebhook": 0.5}, "web hook": {"webhook": 1.0},
    "incoming request": {"webhook": 1.0}, "form": FORMS, "survey": FORMS, "submission": FORMS,
    "image": IMAGE, "photo": IMAGE, "picture": IMAGE, "thumbnail": IMAGE, "resize": IMAGE, "crop": IMAGE,
    "watermark": IMAGE, "rotate": IMAGE, "blur": IMAGE,
    "file": FILES, "disk": FILES, "local file": FILES, "binary": FILES, "pdf": PDF, "csv": CSV,
    "xlsx": CSV, "zip": {"compression": 1.0}, "compress": {"compression": 1.0}, "unzip": {"compression": 1.0},
    "database": DATABASE, "db": DATABASE, "sql": DATABASE, "table": {"airtable": 0.6, "postgres": 0.5},
    "crm": CRM, "lead": {**CRM, "facebookLeadAdsTrigger": 0.6}, "contact": {**CRM, "googleContacts": 0.7},
    "deal": CRM, "customer": {**CRM, "stripe": 0.5},
    "chat": CHAT, "message": {**CHAT, "twilio": 0.5}, "notify": {**CHAT, **{k: v * 0.6 for k, v in EMAIL.items()}},
    "notification": {**CHAT, "pushover": 0.6, "pushbullet": 0.6}, "alert": {**CHAT, "pushover": 0.6},
    "channel": {"slack": 0.8, "discord": 0.6, "telegram": 0.5}, "bot": {"telegram": 0.7, "telegramTrigger": 0.7,
                                                                      "slack": 0.4, "discord": 0.4},
    "sms": SMS, "text message": SMS, "phone": {"twilio": 1.0}, "call phone": {"twilio": 1.0},
    "payment": PAYMENT, "charge": PAYMENT, "invoice": {"quickbooks": 1.0, "xero": 1.0, "stripe": 0.7,
                                                      "invoiceNinja": 0.8},
    "subscription": PAYMENT, "refund": PAYMENT, "accounting": {"quickbooks": 1.0, "xero": 1.0},
    "newsletter": NEWSLETTER, "mailing list": NEWSLETTER, "subscriber": NEWSLETTER, "campaign": NEWSLETTER,
    "task": TASKS, "todo": TASKS, "to do": TASKS, "project": {**TASKS, "clockify": 0.4},
    "ticket": TICKETS, "issue": {"github": 1.0, "jira": 1.0, "gitlab": 0.8, "linear": 0.7},
    "bug": {"github": 0.8, "jira": 0.9, "sentryIo": 0.7, "linear": 0.6}, "pull request": {"github": 1.0,
                                                                                             "gitlab": 0.7},
    "repository": {"github": 1.0, "gitlab": 0.8, "git": 0.8, "bitbucketTrigger": 0.6},
    "repo": {"github": 1.0, "gitlab": 0.8, "git": 0.8}, "commit": {"github": 0.8, "git": 1.0, "gitlab": 0.6},
    "release": {"github": 0.8, "githubTrigger": 0.8},
    "back up": BACKUP, "backup": BACKUP,
    "calendar": CALENDAR, "meeting": {**CALENDAR, "zoom": 0.8}, "appointment": CALENDAR, "event": CALENDAR,
    "booking": {"calendlyTrigger": 1.0, "calTrigger": 0.9, "acuitySchedulingTrigger": 0.8},
    "storage": STORAGE, "cloud storage": STORAGE, "upload": {**STORAGE, "httpRequest": 0.4}, "folder": STORAGE,
    "video": VIDEO, "translate": TRANSLATE, "translation": TRANSLATE, "social media": SOCIAL, "post": SOCIAL,
    "wordpress": {"wordpress": 1.0}, "blog": {"wordpress": 1.0, "ghost": 0.8, "medium": 0.7},
    "shop": {"shopify": 1.0, "wooCommerce": 0.9}, "online store": {"shopify": 1.0, "wooCommerce": 0.9},
    "order": {"shopify": 1.0, "shopifyTrigger": 0.9, "wooCommerce": 0.9, "wooCommerceTrigger": 0.9},
    "ecommerce": {"shopify": 1.0, "wooCommerce": 1.0}, "product": {"shopify": 0.6, "wooCommerce": 0.6},
    "note": {"notion": 0.8}, "wiki": {"notion": 0.8},
    "document": {"googleDocs": 0.8, "notion": 0.5}, "doc": {"googleDocs": 0.8},
    "deduplicate": {"removeDuplicates": 1.0}, "duplicate": {"removeDuplicates": 1.0},
    "merge": {"merge": 1.0}, "combine": {"merge": 0.8}, "filter": {"filter": 1.0, "if": 0.7},
    "condition": {"if": 1.0, "switch": 0.8, "filter": 0.6}, "branch": {"if": 1.0, "switch": 1.0},
    "route": {"switch": 1.0, "if": 0.8}, "loop": {"splitInBatches": 1.0}, "batch": {"splitInBatches": 1.0},
    "wait": {"wait": 1.0}, "delay": {"wait": 1.0}, "sort": {"sort": 1.0}, "limit": {"limit": 1.0},
    "aggregate": {"aggregate": 1.0}, "split": {"splitOut": 0.8, "splitInBatches": 0.7},
    "date": {"dateTime": 1.0}, "time zone": {"dateTime": 1.0}, "timezone": {"dateTime": 1.0},
    "hash": {"crypto": 1.0}, "encrypt": {"crypto": 1.0}, "sign": {"crypto": 0.6, "jwt": 0.6},
    "error": {"errorTrigger": 1.0, "stopAndError": 0.6}, "failure": {"errorTrigger": 1.0},
    "sub workflow": {"executeWorkflow": 1.0, "executeWorkflowTrigger": 1.0},
    "subworkflow": {"executeWorkflow": 1.0, "executeWorkflowTrigger": 1.0},
    "manual": {"manualTrigger": 1.0}, "button": {"manualTrigger": 0.6},
    "server": {"ssh": 0.8, "executeCommand": 0.6}, "ftp": {"ftp": 1.0}, "sftp": {"ftp": 1.0},
    "shorten": {"bitly": 1.0, "yourls": 0.8}, "short link": {"bitly": 1.0, "yourls": 0.8},
    "url shortener": {"bitly": 1.0, "yourls": 0.8}, "link": {"bitly": 0.5},
    "enrich": {"clearbit": 1.0, "hunter": 0.8, "uplead": 0.6, "dropcontact": 0.6},
    "verify email": {"hunter": 0.8, "mailcheck": 0.8},
    "stock": {"marketstack": 0.8}, "crypto price": {"coinGecko": 1.0}, "bitcoin": {"coinGecko": 1.0},
    "cryptocurrency": {"coinGecko": 1.0}, "spotify": {"spotify": 1.0}, "music": {"spotify": 1.0},
    "voice": {"twilio": 0.5, "openAi": 0.5}, "audio": {"openAi": 0.6},
    "sentiment": {"googleCloudNaturalLanguage": 0.8, "awsComprehend": 0.8, "sentimentAnalysis": 1.0,
                  "openAi": 0.5},
    "ocr": {"mindee": 0.8, "awsTextract": 0.8, "openAi": 0.4},
    "receipt": {"mindee": 1.0}, "time tracking": {"clockify": 1.0, "togglTrigger": 0.9, "harvest": 0.8},
    "security": {"theHive": 0.6, "misp": 0.5, "cortex": 0.5},
}

#: Phrases about what a workflow does rather than the product it uses: rank up, never filter.
SOFT = frozenset(
    k for k in SYNONYMS
    if k not in {
        "sheet", "spreadsheet", "google sheet", "gsheet", "excel", "tweet", "twitter", "x com", "gpt", "chatgpt",
        "gpt4", "gpt 4", "openai", "open ai", "dall e", "dalle", "whisper", "claude", "gemini", "llama",
        "google doc", "gdrive", "outlook", "teams", "onedrive", "s3", "lambda", "sqs", "ses", "monday",
        "hub spot", "click up", "whats app", "mysql", "postgresql", "postgre", "mongo", "mongodb", "sql server",
        "mssql", "linkedin", "facebook", "instagram", "youtube", "paypal", "woocommerce", "home assistant",
        "nasa", "openweather", "wordpress", "spotify", "imap", "smtp", "rss", "rss feed", "html", "webhook", "web hook", "xml", "ftp", "sftp", "pdf", "markdown",
    }
)

#: Core nodes named by a technical term: naming one asks for that node.
TECHNICAL = frozenset({"xml", "html", "html extract", "ftp", "ssh", "git", "rss", "rss feed", "graphql", "markdown",
                       "jwt", "totp", "webhook", "mqtt", "kafka", "amqp", "rabbitmq", "ical", "icalendar", "pdf",
                       "read pdf", "compression", "edit image", "http request", "execute command"})

#: English words that are also product names: as a single word they only rank up.
_COMMON = """
agent aggregate answer box bubble calculator chain chat code compression convert copper cortex cron crypto
data date drift edit email embeddings error execute execution extract file files filter flow form ftp function
ghost gong harvest html http hunter image interval item limit line list mail manual markdown
matrix medium memory merge model move note notes orbit order question raindrop read rename respond rss
schedule search send set signal simulate sort split start stop store summarize switch table text think
time tool tools trigger twist vector wait webhook wise workflow write xml
"""
COMMON_WORDS = frozenset(_COMMON.split())
