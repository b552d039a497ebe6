"""Choice sets of the resources app (English values, translated labels, badge colours)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.choices import ChoiceSet


class TeamKind(ChoiceSet):
    """应急救援队伍 types."""

    FIRE_RESCUE = "fire_rescue"
    PROFESSIONAL = "professional"
    ENTERPRISE = "enterprise"
    VOLUNTEER = "volunteer"
    MILITIA = "militia"
    TOWNSHIP = "township"
    # --- forest fire (issue 16 §2): 森林义务消防队, the villages' and townships' volunteer forest fire teams ---
    FOREST_VOLUNTEER = "forest_volunteer"
    CHOICES = (
        (FIRE_RESCUE, _("Comprehensive fire and rescue"), "danger"),
        (PROFESSIONAL, _("Professional"), "primary"),
        (ENTERPRISE, _("Enterprise"), "info"),
        (VOLUNTEER, _("Social volunteer"), "success"),
        (MILITIA, _("Militia"), "warning"),
        (TOWNSHIP, pgettext_lazy("team kind", "Township"), "secondary"),
        (FOREST_VOLUNTEER, _("Volunteer forest fire team"), "danger"),
    )


class Readiness(ChoiceSet):
    STANDBY = "standby"
    DEPLOYED = "deployed"
    RESTING = "resting"
    CHOICES = (
        (STANDBY, _("Standing by"), "success"),
        (DEPLOYED, _("Deployed"), "danger"),
        (RESTING, _("Resting"), "secondary"),
    )


class Capability(ChoiceSet):
    """Incident types a team or expert is good at (keys shared with the incident types)."""

    FLOOD = "flood"
    FOREST_FIRE = "forest_fire"
    FIRE = "fire"
    EARTHQUAKE = "earthquake"
    GEOLOGICAL = "geological"
    HAZCHEM = "hazchem"
    MINING = "mining"
    TRAFFIC = "traffic"
    BUILDING_COLLAPSE = "building_collapse"
    WATER_RESCUE = "water_rescue"
    MEDICAL = "medical"
    CHOICES = (
        (FLOOD, _("Flood and drought"), "primary"),
        (FOREST_FIRE, _("Forest fire"), "danger"),
        (FIRE, _("Fire"), "danger"),
        (EARTHQUAKE, _("Earthquake"), "warning"),
        (GEOLOGICAL, _("Geological disaster"), "warning"),
        (HAZCHEM, _("Hazardous chemicals"), "danger"),
        (MINING, _("Mining"), "secondary"),
        (TRAFFIC, _("Road traffic"), "info"),
        (BUILDING_COLLAPSE, _("Building collapse"), "secondary"),
        (WATER_RESCUE, _("Water rescue"), "primary"),
        (MEDICAL, _("Medical rescue"), "success"),
    )


class EquipmentItem(ChoiceSet):
    RADIO = "radio"
    SATELLITE_PHONE = "satellite_phone"
    PUMP = "pump"
    GENERATOR = "generator"
    BOAT = "boat"
    DRONE = "drone"
    LIGHTING = "lighting"
    CHAINSAW = "chainsaw"
    FIRE_BLOWER = "fire_blower"
    VEHICLE = "vehicle"
    OTHER = "other"
    CHOICES = (
        (RADIO, _("Radio"), "primary"),
        (SATELLITE_PHONE, _("Satellite phone"), "primary"),
        (PUMP, _("Pump"), "info"),
        (GENERATOR, _("Generator"), "warning"),
        (BOAT, _("Boat"), "info"),
        (DRONE, _("Drone"), "secondary"),
        (LIGHTING, _("Lighting"), "warning"),
        (CHAINSAW, _("Chainsaw"), "secondary"),
        (FIRE_BLOWER, _("Fire blower"), "danger"),
        (VEHICLE, _("Vehicle"), "dark"),
        (OTHER, _("Other"), "light"),
    )


class EquipmentStatus(ChoiceSet):
    IN_USE = "in_use"
    REPAIR = "repair"
    SCRAPPED = "scrapped"
    CHOICES = (
        (IN_USE, _("In use"), "success"),
        (REPAIR, _("Under repair"), "warning"),
        (SCRAPPED, _("Scrapped"), "secondary"),
    )


class HolderKind(ChoiceSet):
    TEAM = "team"
    UNIT = "unit"
    WAREHOUSE = "warehouse"
    CHOICES = (
        (TEAM, _("Team"), "primary"),
        (UNIT, pgettext_lazy("organisation", "Unit"), "info"),
        (WAREHOUSE, _("Warehouse"), "secondary"),
    )


class WarehouseLevel(ChoiceSet):
    COUNTY = "county"
    TOWNSHIP = "township"
    ENTERPRISE = "enterprise"
    SOCIAL = "social"
    CHOICES = (
        (COUNTY, _("County reserve"), "primary"),
        (TOWNSHIP, _("Township reserve"), "info"),
        (ENTERPRISE, _("Enterprise reserve"), "secondary"),
        (SOCIAL, _("Social reserve"), "success"),
    )


class SupplyCategory(ChoiceSet):
    """Top categories of the common national classification of emergency supplies."""

    LIVING = "living"
    FLOOD = "flood"
    FOREST_FIRE = "forest_fire"
    RESCUE_TOOLS = "rescue_tools"
    MEDICAL = "medical"
    PROTECTION = "protection"
    COMMUNICATION = "communication"
    POWER_LIGHTING = "power_lighting"
    CHOICES = (
        (LIVING, _("Daily living"), "success"),
        (FLOOD, _("Flood control"), "primary"),
        (FOREST_FIRE, _("Forest fire fighting"), "danger"),
        (RESCUE_TOOLS, _("Rescue tools"), "warning"),
        (MEDICAL, _("Medical"), "info"),
        (PROTECTION, _("Personal protection"), "secondary"),
        (COMMUNICATION, _("Communication"), "primary"),
        (POWER_LIGHTING, _("Power and lighting"), "warning"),
    )


class MovementKind(ChoiceSet):
    RECEIPT = "receipt"
    ISSUE = "issue"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    LOSS = "loss"
    COUNT = "count"
    CHOICES = (
        (RECEIPT, _("Receipt"), "success"),
        (ISSUE, pgettext_lazy("stock", "Issue"), "primary"),
        (TRANSFER_OUT, _("Transfer out"), "info"),
        (TRANSFER_IN, _("Transfer in"), "info"),
        (LOSS, _("Write-off"), "danger"),
        (COUNT, _("Stock-take adjustment"), "warning"),
    )


class TransferState(ChoiceSet):
    REQUESTED = "requested"
    APPROVED = "approved"
    DISPATCHED = "dispatched"
    RECEIVED = "received"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    CHOICES = (
        (REQUESTED, _("Requested"), "warning"),
        (APPROVED, _("Approved"), "primary"),
        (DISPATCHED, _("Dispatched"), "info"),
        (RECEIVED, pgettext_lazy("transfer state", "Received"), "success"),
        (REJECTED, _("Rejected"), "danger"),
        (CANCELLED, _("Cancelled"), "secondary"),
    )


class ShelterLevel(ChoiceSet):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    CHOICES = (
        (COUNTY, _("County level"), "primary"),
        (TOWNSHIP, _("Township level"), "info"),
        (VILLAGE, _("Village level"), "secondary"),
    )


class ShelterKind(ChoiceSet):
    SCHOOL = "school"
    GYM = "gym"
    SQUARE = "square"
    PARK = "park"
    COMMUNITY_CENTRE = "community_centre"
    OTHER = "other"
    CHOICES = (
        (SCHOOL, _("School"), "primary"),
        (GYM, _("Gymnasium"), "info"),
        (SQUARE, _("Square"), "success"),
        (PARK, _("Park"), "success"),
        (COMMUNITY_CENTRE, _("Community centre"), "secondary"),
        (OTHER, _("Other"), "light"),
    )


class ShelterSpace(ChoiceSet):
    INDOOR = "indoor"
    OUTDOOR = "outdoor"
    CHOICES = (
        (INDOOR, _("Indoor"), "primary"),
        (OUTDOOR, _("Outdoor"), "success"),
    )


class ShelterStatus(ChoiceSet):
    STANDBY = "standby"
    OPEN = "open"
    FULL = "full"
    CLOSED = "closed"
    CHOICES = (
        (STANDBY, _("Standby"), "secondary"),
        (OPEN, pgettext_lazy("shelter status", "Open"), "success"),
        (FULL, _("Full"), "danger"),
        (CLOSED, _("Closed"), "dark"),
    )


class ShelterEventKind(ChoiceSet):
    """What a line of a shelter's timeline records: its status changed (opened, full, closed …), or only the
    number of people in it."""

    STATUS = "status"
    OCCUPANCY = "occupancy"
    CHOICES = (
        (STATUS, _("Status changed"), "primary"),
        (OCCUPANCY, _("Occupancy changed"), "secondary"),
    )


class Facility(ChoiceSet):
    WATER = "water"
    POWER = "power"
    TOILETS = "toilets"
    MEDICAL = "medical"
    SUPPLIES = "supplies"
    CHOICES = (
        (WATER, _("Water"), "primary"),
        (POWER, _("Power"), "warning"),
        (TOILETS, _("Toilets"), "secondary"),
        (MEDICAL, _("Medical"), "danger"),
        (SUPPLIES, _("Supplies on site"), "success"),
    )


class ActivityKind(ChoiceSet):
    """What a team took part in: a drill (演练) or a real deployment (出动)."""

    DRILL = "drill"
    DEPLOYMENT = "deployment"
    CHOICES = (
        (DRILL, _("Drill"), "info"),
        (DEPLOYMENT, _("Deployment"), "danger"),
    )
