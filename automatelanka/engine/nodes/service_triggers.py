"""Webhook-based triggers of SaaS services (Shopify, Calendly, Stripe, HubSpot, Jira, ...).

In n8n these classes have ``webhook``/``webhookMethods`` (no ``poll``/``trigger``): the service
calls n8n, and the webhook method turns the request into the trigger's items. Here the platform
(daemon) delivers those items as the seed, so each node passes its input through, like the
Webhook node inside the engine. Registered with every typeVersion n8n has for the type.
"""

from __future__ import annotations

from automatelanka.engine.items import NodeOutput
from automatelanka.engine.nodes.base import NodeContext, register

#: (type name, display name, typeVersions) of n8n's webhook-based service triggers.
WEBHOOK_TRIGGERS: tuple[tuple[str, str, tuple[float, ...]], ...] = (
    ("activeCampaignTrigger", "ActiveCampaign Trigger", (1,)),
    ("acuitySchedulingTrigger", "Acuity Scheduling Trigger", (1,)),
    ("affinityTrigger", "Affinity Trigger", (1,)),
    ("asanaTrigger", "Asana Trigger", (1,)),
    ("autopilotTrigger", "Autopilot Trigger", (1,)),
    ("awsSnsTrigger", "AWS SNS Trigger", (1,)),
    ("bitbucketTrigger", "Bitbucket Trigger", (1, 1.1)),
    ("boxTrigger", "Box Trigger", (1,)),
    ("calTrigger", "Cal.com Trigger", (1, 2)),
    ("calendlyTrigger", "Calendly Trigger", (1,)),
    ("chargebeeTrigger", "Chargebee Trigger", (1,)),
    ("ciscoWebexTrigger", "Webex by Cisco Trigger", (1,)),
    ("clickUpTrigger", "ClickUp Trigger", (1,)),
    ("convertKitTrigger", "ConvertKit Trigger", (1,)),
    ("copperTrigger", "Copper Trigger", (1,)),
    ("crowdDevTrigger", "crowd.dev Trigger", (1,)),
    ("customerIoTrigger", "Customer.io Trigger", (1,)),
    ("emeliaTrigger", "Emelia Trigger", (1,)),
    ("eventbriteTrigger", "Eventbrite Trigger", (1,)),
    ("facebookLeadAdsTrigger", "Facebook Lead Ads Trigger", (1,)),
    ("facebookTrigger", "Facebook Trigger", (1,)),
    ("figmaTrigger", "Figma Trigger (Beta)", (1,)),
    ("flowTrigger", "Flow Trigger", (1,)),
    ("formIoTrigger", "Form.io Trigger", (1,)),
    ("formstackTrigger", "Formstack Trigger", (1,)),
    ("getResponseTrigger", "GetResponse Trigger", (1,)),
    ("gitlabTrigger", "GitLab Trigger", (1,)),
    ("gumroadTrigger", "Gumroad Trigger", (1,)),
    ("helpScoutTrigger", "Help Scout Trigger", (1,)),
    ("hubspotTrigger", "HubSpot Trigger", (1,)),
    ("invoiceNinjaTrigger", "Invoice Ninja Trigger", (1, 2)),
    ("jiraTrigger", "Jira Trigger", (1, 1.1)),
    ("jotFormTrigger", "Jotform Trigger", (1,)),
    ("keapTrigger", "Keap Trigger", (1,)),
    ("koBoToolboxTrigger", "KoBoToolbox Trigger", (1,)),
    ("lemlistTrigger", "Lemlist Trigger", (1,)),
    ("linearTrigger", "Linear Trigger", (1,)),
    ("loneScaleTrigger", "LoneScale Trigger", (1,)),
    ("mailchimpTrigger", "Mailchimp Trigger", (1,)),
    ("mailerLiteTrigger", "MailerLite Trigger", (1, 2)),
    ("mailjetTrigger", "Mailjet Trigger", (1,)),
    ("mauticTrigger", "Mautic Trigger", (1,)),
    ("microsoftTeamsTrigger", "Microsoft Teams Trigger", (1,)),
    ("netlifyTrigger", "Netlify Trigger", (1,)),
    ("onfleetTrigger", "Onfleet Trigger", (1,)),
    ("payPalTrigger", "PayPal Trigger", (1,)),
    ("pipedriveTrigger", "Pipedrive Trigger", (1, 1.1)),
    ("postmarkTrigger", "Postmark Trigger", (1,)),
    ("pushcutTrigger", "Pushcut Trigger", (1,)),
    ("sendInBlueTrigger", "Brevo Trigger", (1,)),
    ("shopifyTrigger", "Shopify Trigger", (1,)),
    ("stravaTrigger", "Strava Trigger", (1,)),
    ("stripeTrigger", "Stripe Trigger", (1,)),
    ("surveyMonkeyTrigger", "SurveyMonkey Trigger", (1,)),
    ("taigaTrigger", "Taiga Trigger", (1,)),
    ("theHiveProjectTrigger", "TheHive 5 Trigger", (1,)),
    ("theHiveTrigger", "TheHive Trigger", (1, 2)),
    ("trelloTrigger", "Trello Trigger", (1,)),
    ("twilioTrigger", "Twilio Trigger", (1,)),
    ("venafiTlsProtectCloudTrigger", "Venafi TLS Protect Cloud Trigger", (1,)),
    ("webflowTrigger", "Webflow Trigger", (1, 2)),
    ("whatsAppTrigger", "WhatsApp Trigger", (1,)),
    ("wiseTrigger", "Wise Trigger", (1,)),
    ("wooCommerceTrigger", "WooCommerce Trigger", (1,)),
    ("workableTrigger", "Workable Trigger", (1,)),
    ("wufooTrigger", "Wufoo Trigger", (1,)),
    ("zendeskTrigger", "Zendesk Trigger", (1,)),
)


def _pass_through(ctx: NodeContext) -> NodeOutput:
    """The delivered webhook items, unchanged."""
    return [list(ctx.input(0))]


for _name, _display, _versions in WEBHOOK_TRIGGERS:
    register(f"n8n-nodes-base.{_name}", versions=_versions, inputs=0, display_name=_display)(_pass_through)
