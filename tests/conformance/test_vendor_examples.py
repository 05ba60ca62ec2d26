"""Every shared vendor vector (akenza, ChirpStack) for a device type we decode.

The vectors are vendored in `data/` (MIT, licences in `data/LICENSES/`) so a clone runs this
on its own. Each source names fields its own way; the tables below map them onto
our fields (the vendor documentation's names). Fields that are a source's own derivation or
platform plumbing are marked `NotOurs` with the reason; disagreements with the vendor
documentation are recorded in `deviations.yaml`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from decoders import CATALOG, Decoded, decode

HERE = Path(__file__).resolve().parent
VECTORS = json.loads((HERE / "data" / "vectors.json").read_text(encoding="utf-8"))
DEVIATIONS = yaml.safe_load((HERE / "deviations.yaml").read_text(encoding="utf-8"))

AKENZA = "akenza-io/device-type-library"
CHIRPSTACK = "chirpstack/chirpstack-device-profiles"

# Generic-format codecs have no TTN id; they map onto our format decoders by source path.
CODEC_TYPES = {
    (AKENZA, "types/myDevices/cayenne"): "cayenne/lpp",
    (CHIRPSTACK, "vendors/rakwireless/codecs/test_decode_rak_standard.json"): "cayenne/lpp",
    # Devices whose TTN id the shared set could not resolve; the ids are the TTN repository's.
    (AKENZA, "types/decentlab/RAD"): "decentlab/dl-rad",
    (CHIRPSTACK, "vendors/decentlab/codecs/test_decode_dl-rad.json"): "decentlab/dl-rad",
    (AKENZA, "types/decentlab/SHT35"): "decentlab/dl-sht35-001",
    (AKENZA, "types/dragino/dds20-lb"): "dragino/dds20-lb",
    (AKENZA, "types/dragino/lht65n"): "dragino/lht65n",
    (CHIRPSTACK, "vendors/dragino/codecs/test_decode_lht65n.json"): "dragino/lht65n",
    (AKENZA, "types/inbiot/well"): "inbiot/well-lora",  # shared-a
    # No TTN id in the shared set's snapshot; ours follows the repository's vendor/model form.
    (AKENZA, "types/vegapulse/vegapulseAir41"): "vega/vegapuls-air-41",
    (AKENZA, "types/pmx/tcr"): "pmx/tcr",
    (AKENZA, "types/sentinum/febrisCO2"): "sentinum/febris-co2",  # shared-a
    # shared-b: codec types (begin)
    # The Landis+Gyr T550's LoRaWAN module ("WZU-LR") is the Elvaco CMi4110 (TTN id).
    (AKENZA, "types/landisgyr/T550"): "elvaco/cmi4110",
    (AKENZA, "types/hager/TG563A"): "sept-s/tg563a",
    (CHIRPSTACK, "vendors/sept-s/codecs/test_decode_tg563a.json"): "sept-s/tg563a",
    # shared-b: codec types (end)
    # Field decoders: the ChirpStack Elsys codec's device is the ELT-2 HP (TTN: elsys/elt-2).
    (CHIRPSTACK, "vendors/elsys/codecs/test_decode_elsys.json"): "elsys/elt-2",
}


@dataclass(frozen=True)
class NotOurs:
    """A source field that is the source's own derivation or plumbing, with the reason."""

    reason: str


@dataclass(frozen=True)
class Scaled:
    """A source field that is ours in another unit: source value = ours * factor."""

    path: str
    factor: float


@dataclass(frozen=True)
class AsBit:
    """A source field that gives our boolean field as the bit's value, 0 or 1."""

    path: str


Target = str | Scaled | AsBit | NotOurs

AKENZA_BATTERY_LEVEL = NotOurs("akenza's own percentage estimate from the voltage")
# A type that declares its documented battery pack (`decoders.battery`) maps akenza's
# estimate onto ours; where the two models disagree, deviations.yaml says so.
OUR_BATTERY_ESTIMATE = "battery_level_estimate"
DECENTLAB_HEADER: dict[str, Target] = {
    "protocolVersion": "protocol_version",
    "deviceID": "device_id",
    "deviceId": "device_id",
    "batteryVoltage": "battery_voltage",
    "batteryLevel": AKENZA_BATTERY_LEVEL,
}

# akenza field -> our field (dotted path into nested fields; `{channel}` is the emit's channel).
AKENZA_NAMES: dict[str, dict[str, Target]] = {
    "dragino/lse01": {
        "temperature": "TempC_DS18B20",
        "soilHumidity": "water_SOIL",
        "soilTemperature": "temp_SOIL",
        "soilConductivity": "conduct_SOIL",
        "batteryVoltage": "Bat",
        "batteryLevel": OUR_BATTERY_ESTIMATE,
    },
    "browan/tbhh100": {
        "temperature": "temperature",
        "humidity": "humidity",
        "co2": "co2",
        "voc": "voc",
        "open": NotOurs("akenza's shared Tabs decoder reports a door state; this model has none"),
        "batteryVoltage": "battery",
        "batteryLevel": OUR_BATTERY_ESTIMATE,
    },
    "decentlab/dl-pr26": {
        **DECENTLAB_HEADER,
        "pressure": "pressure",
        "temperature": "temperature",
        "level": "water_column",
        "levelCm": "water_column_cm",
    },
    "decentlab/dl-lp8p": {
        **DECENTLAB_HEADER,
        "temperature": "air_temperature",
        "humidity": "air_humidity",
        "barometricTemperature": "barometer_temperature",
        "pressure": Scaled("barometric_pressure", 0.01),  # akenza reports hPa, the datasheet Pa
        "co2": "co2_concentration",
        "co2LPF": "co2_concentration_lpf",
        "co2Temperature": "co2_sensor_temperature",
        "capacitorVoltage1": "capacitor_voltage_1",
        "capacitorVoltage2": "capacitor_voltage_2",
        "co2SensorStatus": "co2_sensor_status",
        "rawIr": "raw_ir_reading",
        "rawIrLPF": "raw_ir_reading_lpf",
    },
    "decentlab/dl-pm": {
        **DECENTLAB_HEADER,
        "temperature": "air_temperature",
        "humidity": "air_humidity",
        "pressure": "barometric_pressure",
        "pm1_0": "pm1_0_mass_concentration",
        "pm2_5": "pm2_5_mass_concentration",
        "pm4": "pm4_mass_concentration",
        "pm10": "pm10_mass_concentration",
        "typicalParticleSize": "typical_particle_size",
        "pm0_5Number": "pm0_5_number_concentration",
        "pm1_0Number": "pm1_0_number_concentration",
        "pm2_5Number": "pm2_5_number_concentration",
        "pm4Number": "pm4_number_concentration",
        "pm10Number": "pm10_number_concentration",
    },
    "talkpool/oy1700": {
        "temperature": "Temperature",
        "humidity": "RelativeHumidity",
        "pm1": "PM1_0",
        "pm2_5": "PM2_5",
        "pm10": "PM_10",
    },
    "bosch/tps110": {
        "occupancy": "occupied",
        "occupied": NotOurs("akenza repeats `occupancy` as a boolean"),
        "occupiedOrWarm": NotOurs("akenza's derivation from its stored state"),
        "warm": NotOurs("akenza's derivation from its stored state"),
        "occupancyStatus": NotOurs("akenza's label for `occupancy`"),
        "occupiedMinutes": NotOurs("akenza's timer from its stored state and the clock"),
        "minutesSinceLastOccupied": NotOurs("akenza's timer from its stored state and the clock"),
        "debug": NotOurs("akenza shows 10 of the 12 debug bytes; ours keeps all 12 in `debug`"),
        "fwVersion": "firmware_version",
        "resetCause": "reset_cause_name",
    },
    "imbuildings/imbuildings-people-counter": {
        "counterA": "counter_a",
        "counterB": "counter_b",
        "totalCounterA": "total_counter_a",
        "totalCounterB": "total_counter_b",
        "payloadCounter": "payload_counter",
        "batteryVoltage": "battery_voltage",
        "batteryLevel": NotOurs(
            "akenza's estimate from the voltage; no pack declared here: the IMBuildings documents "
            "at hand name AA cells but neither their number nor a cut-off voltage"
        ),
        "deviceStatus": NotOurs("akenza's label for the `device_status` bit field"),
        "sensorStatus": NotOurs("akenza's label for the `sensor_status` bit field"),
    },
    "netvox/r711": {
        "temperature": "Temperature",
        "humidity": "Humidity",
        "batteryVoltage": "Battery",
        "version": "Version",
        "deviceType": "DeviceType",
    },
    "mclimate/ht-sensor": {
        "temperature": "sensorTemperature",
        "humidity": "relativeHumidity",
        "batteryVoltage": "batteryVoltage",
        "thermistorOperational": "thermistorProperlyConnected",
    },
    "tektelic/t000489x-smart-room-base": {
        "temperature": "ambient_temperature",
        "humidity": "relative_humidity",
        "batteryVoltage": "battery_voltage",
        "reedCount": "reed_count",
        "open": NotOurs("akenza's boolean for `reed_state` (1 = open)"),
    },
    # Region decoders (begin)
    # Decentlab (akenza camelCase -> the datasheet names our fields use)
    "decentlab/dl-atm22": {
        **DECENTLAB_HEADER,
        "temperature": "air_temperature",
        "windSpeed": "wind_speed",
        "windDirection": "wind_direction",
        "maximumWindSpeed": "maximum_wind_speed",
        "xOrientationAngle": "x_orientation_angle",
        "yOrientationAngle": "y_orientation_angle",
        "northWindSpeed": "north_wind_speed",
        "eastWindSpeed": "east_wind_speed",
    },
    "decentlab/dl-atm41": {
        **DECENTLAB_HEADER,
        "precipitation": "precipitation",
        "lightningStrikeCount": "lightning_strike_count",
        "lightningAverageDistance": "lightning_average_distance",
        "windSpeed": "wind_speed",
        "windDirection": "wind_direction",
        "maximumWindSpeed": "maximum_wind_speed",
        "temperature": "air_temperature",
        "vaporPressure": "vapor_pressure",
        "atmosphericPressure": "atmospheric_pressure",
        "northWindSpeed": "north_wind_speed",
        "eastWindSpeed": "east_wind_speed",
        "sensorTemperatureInternal": "sensor_temperature_internal",
        "xOrientationAngle": "x_orientation_angle",
        "yOrientationAngle": "y_orientation_angle",
        "compassHeading": "compass_heading",
    },
    "decentlab/dl-isf": {
        **DECENTLAB_HEADER,
        "sapFlow": "sap_flow",
        "heatVelocityOuter": "heat_velocity_outer",
        "heatVelocityInner": "heat_velocity_inner",
        "alphaOuter": "alpha_outer",
        "alphaInner": "alpha_inner",
        "betaOuter": "beta_outer",
        "betaInner": "beta_inner",
        "tmaxOuter": "tmax_outer",
        "tmaxInner": "tmax_inner",
        "temperatureOuter": "temperature_outer",
        "maxVoltage": "max_voltage",
        "minVoltage": "min_voltage",
        "diagnostic": "diagnostic",
        "upstreamTmaxOuter": "upstream_tmax_outer",
        "upstreamTmaxInner": "upstream_tmax_inner",
    },
    "decentlab/dl-lws": {**DECENTLAB_HEADER, "leafWetnessIndex": "leaf_wetness_index"},
    "decentlab/dl-par": {
        **DECENTLAB_HEADER,
        "photosyntheticallyActiveRadiation": "photosynthetically_active_radiation",
    },
    "decentlab/dl-rad": {
        **DECENTLAB_HEADER,
        "distance": "distance",
        "temperature": "temperature",
        "reliability": "reliability",
        "status": "status",
    },
    "decentlab/dl-sdd": {
        **DECENTLAB_HEADER,
        **{f"moistureAtLevel{n}": f"moisture_at_level_{n}" for n in range(12)},
        **{f"temperatureAtLevel{n}": f"temperature_at_level_{n}" for n in range(12)},
        **{f"salinityAtLevel{n}": f"salinity_at_level_{n}" for n in range(12)},
    },
    "decentlab/dl-sht35-001": {
        **DECENTLAB_HEADER,
        "temperature": "air_temperature",
        "humidity": "air_humidity",
    },
    "decentlab/dl-smtp": {
        **DECENTLAB_HEADER,
        **{f"soilMoistureAtDepth{n}": f"soil_moisture_at_depth_{n}" for n in range(8)},
        **{f"soilTemperatureAtDepth{n}": f"soil_temperature_at_depth_{n}" for n in range(8)},
    },
    "decentlab/dl-tbrg": {
        **DECENTLAB_HEADER,
        "precipitation": "precipitation",
        "cumulativePrecipitation": "cumulative_precipitation",
        "precipitationInterval": "precipitation_interval",
    },
    "decentlab/dl-trs12": {
        **DECENTLAB_HEADER,
        "dielectricPermittivity": "dielectric_permittivity",
        "electricalConductivity": "electrical_conductivity",
        "soilTemperature": "soil_temperature",
        "volumetricWaterContent": "volumetric_water_content",
    },
    "decentlab/dl-trs21": {
        **DECENTLAB_HEADER,
        "soilTemperature": "soil_temperature",
        "waterPotential": "water_potential",
    },
    "decentlab/dl-zn1": {**DECENTLAB_HEADER, "dendrometerPosition": "dendrometer_position"},
    "decentlab/dl-zn2": {
        **DECENTLAB_HEADER,
        "dendrometerAPosition": "dendrometer_a_position",
        "dendrometerBPosition": "dendrometer_b_position",
    },
    # Dragino (akenza names -> Dragino's decoder names, which our fields use)
    "dragino/dds20-lb": {
        "distance": "Distance",
        "interruptFlag": NotOurs("akenza's boolean rendering of the vendor's 0/1 field"),
        "temperature": "TempC_DS18B20",
        "sensorFlag": NotOurs("akenza's boolean rendering of the vendor's 0/1 field"),
        "batteryVoltage": "Bat",
        "sensorModel": "SENSOR_MODEL",
        "frequencyBand": "FREQUENCY_BAND",
        "subBand": NotOurs("akenza's label for a band without sub-bands; ours keeps the byte"),
        "firmwareVersion": "FIRMWARE_VERSION",
    },
    "dragino/lds02": {
        "alarm": NotOurs("akenza's boolean rendering of the vendor's 0/1 field"),
        "open": NotOurs("akenza's boolean rendering of the vendor's 0/1 field"),
        "openDuration": "LAST_DOOR_OPEN_DURATION",
        "openCounts": "DOOR_OPEN_TIMES",
        "batteryVoltage": "BAT_V",
        "batteryLevel": OUR_BATTERY_ESTIMATE,
    },
    "dragino/lht65n": {
        "batteryStatus": NotOurs("akenza's label for `Bat_status` (3 = good)"),
        "batteryVoltage": "BatV",
        "batteryLevel": AKENZA_BATTERY_LEVEL,
        "humidity": "Hum_SHT",
        "temperature": "TempC_SHT",
        "tempDS": "TempC_DS",
    },
    # Milesight (akenza names -> the user guides' channel names)
    "milesight-iot/em300-th": {
        "batteryLevel": "battery",
        "temperature": "temperature",
        "humidity": "humidity",
    },
    "milesight-iot/em500-co2": {
        "batteryLevel": "battery",
        "temperature": "temperature",
        "humidity": "humidity",
        "co2": "co2",
        "pressure": "pressure",
    },
    "milesight-iot/em500-smtc": {
        "batteryLevel": "battery",
        "temperature": "temperature",
        "moisture": "moisture",
        "soilConductivity": "ec",
    },
    # Region decoders (end)
    # City decoders 2 (begin)
    "alpha-omega-technology/klax": {
        **{
            name: NotOurs(
                "akenza splits the four filters into emits with the same field names, which a "
                "name table cannot tell apart; klax.vectors.yaml checks all 16 values"
            )
            for name in (
                "filterPositionActive",
                "filterPositionUnit",
                "dataPointValid",
                "dataPoint1Valid",
                "dataPoint2Valid",
                "dataPoint3Valid",
                "dataPoint",
                "dataPoint1",
                "dataPoint2",
                "dataPoint3",
            )
        },
        "batteryLevel": "header.batteryPerc",
        "connectionTest": "header.connTest",
        "registersConfigured": "header.configured",
        "deviceType": NotOurs("akenza's constant label (SML_KLAX) for our `header.deviceType`"),
        "payloadVersion": "header.version",
        "readingMode": NotOurs("akenza's constant label (SML_MODE) for `header.meterType`"),
        "serverID": "payloads.0.id",
        "measurementInterval": "measureIntervalMin",
        "appVersion": "appVersion",
        "register1ID": "registers.0",
        "register2ID": "registers.1",
        **{f"registerFilter{n}Set": f"filters.{n - 1}.active" for n in range(1, 5)},
        **{f"registerFilter{n}ID": f"filters.{n - 1}.id" for n in range(1, 5)},
    },
    "enginko/egk-lw20w00": {
        "adc": "ADC",
        "batteryLevel": "battery",
        "distance": "distance1",
        "fillLevel": "fillLevel",
        "temperature": "temperature",
        "syncID": "syncID",
        "syncVersion": "syncVersion",
        "applicationType": "applicationType",
        "rfu": "rfu",
    },
    # City decoders 2 (end)
    "abeeway/abeeway-compact-tracker": {
        "demandMessage": "on_demand",
        "positionMessage": "periodic_position",
        "hasMoved": "moving",
        "sos": "sos",
        "operatingMode": "operating_mode",
        "batteryLevel": "battery_level",
        "temperature": "temperature",
        "latitude": "latitude",
        "longitude": "longitude",
        "horizontalAccuracy": "ehpe",
        "age": "age",
        "resetCause": NotOurs("akenza's label for the `reset_cause` byte"),
        "firmwareVersion": "firmware_version",
        "bleFirmwareVersion": "ble_firmware_version",
        "transitionState": NotOurs("akenza's label for `transition_state`"),
        "trigger": NotOurs("akenza's label for `trigger`"),
        "repetitionCounter": "repetition_counter",
        "refVectorX": "ref_vector_x",
        "refVectorY": "ref_vector_y",
        "refVectorZ": "ref_vector_z",
        "critVectorX": "crit_vector_x",
        "critVectorY": "crit_vector_y",
        "critVectorZ": "crit_vector_z",
        "angle": "angle",
        **{f"bssid{i}": f"bssid{i}" for i in range(4)},
        **{f"rssi{i}": f"rssi{i}" for i in range(4)},
        "activityCounter": "activity_counter",
        "shortID": "short_id",
        "notification": NotOurs("akenza's label for the `notification` number"),
        "beaconID": "beacon_id",
        "loraPeriod": "lora_period",
        "shockDetection": "shock_detection",
    },
    "gwf/rcm-lrw10": {
        "meterMedium": "meter_medium_name",
        "actualityDuration": "actuality_duration",
        "volume": "volume",
        "relativeVolume": NotOurs("akenza's difference to the volume in its stored state"),
        "protocolType": "protocol_type",
        "manufacturerID": "manufacturer_id",
        "meterID": "meter_id",
        "appError": "app_error",
        "batteryPowerLow": "battery_power_low",
        "permantError": "permanent_error",
        "temporaryError": "temporary_error",
        **{
            name: NotOurs(
                "a bit of the raw status/additional-functions byte; bit order unconfirmed"
            )
            for name in (
                "commandError1",
                "commandError2",
                "commandError3",
                "continuousFlow",
                "brokenPipe",
                "batteryLow",
                "backflow",
                "noUsage",
                "loraLinkError",
            )
        },
        "batteryLifetime": NotOurs(
            "akenza reads the battery byte's five lifetime bits in reverse order (0xE8 -> 23 "
            "semesters, 138 months); GWF's own codec reads bits 7-3 (29 semesters), which "
            "`battery_lifetime_months` follows"
        ),
    },
    "adeunis/pulse-4": {
        "frameCounter": "frame_counter",
        "hardwareError": "hardware_error",
        "lowBattery": "low_battery",
        "configurationDone": "configuration_done",
        "timestamp": "timestamp_present",
        "counterValue": "counter_a",
        "counterValueT1": "counter_a_t1",
        "counterValueT2": "counter_a_t2",
        "counterValueT3": "counter_a_t3",
        "counterValueT4": "counter_a_t4",
    },
    "vega/vegapuls-air-41": {
        "distanceMm": "distance_mm",
        "distanceCm": Scaled("distance_mm", 0.1),
        "distanceM": "distance",
        "distanceInch": Scaled("distance_mm", 1 / 25.4),
        "distanceFt": Scaled("distance_mm", 1 / 304.8),
        "inclinationDegree": "inclination",
        "temperature": "temperature",
        "batteryLevel": "battery",
        "namurState": NotOurs("akenza's device-status label; packet 8 carries no NAMUR byte"),
    },
    "pmx/tcr": {
        "ltrCounter": "ltr_counter",
        "ltrSpeed": "ltr_speed",
        "rtlCounter": "rtl_counter",
        "rtlSpeed": "rtl_speed",
        "batteryVoltage": "battery_voltage",
        **{
            name: NotOurs("akenza's reading of the identification frame, which we keep raw")
            for name in ("type", "licence", "speedClass", "firmware", "sbx")
        },
    },
    # Field decoders (begin)
    # SenseCAP (akenza names -> the measurement-ID list's and the T1000 payload format's names)
    "sensecap/sensecaps2101-temp-humid": {
        "temperature": "air_temperature",
        "humidity": "air_humidity",
    },
    "sensecap/sensecaps2104-soil-moisture-temp": {
        "soilTemperature": "soil_temperature",
        "soilHumidity": "soil_moisture",
    },
    "sensecap/sensecaps2105-soll-moisture-temp-ec": {
        "soilTemperature": "soil_temperature",
        "soilHumidity": "soil_moisture",
        "soilConductivity": "electrical_conductivity",
        "errorCode": "errMessage",
        "fieldName": NotOurs("akenza names the field whose value is an error code; ours is None"),
    },
    "sensecap/sensecapt1000-tracker-ab": {
        "batteryLevel": "battery",
        "collectTime": "timestamp",  # ms; the packet's `utc_time` is in s
        "motionId": "motion_segment_number",
        "startMovementEvent": "start_moving_event",
        "endMovementEvent": "end_movement_event",
        "motionlessEvent": "motionless_event",
        "shockEvent": "shock_event",
        "temperatureEvent": "temperature_event",
        "lightEvent": "light_event",
        "sosEvent": "sos_event",
        "pressOnceEvent": "press_once_event",
        "latitude": "latitude",
        "longitude": "longitude",
        "temperature": "temperature",
        "light": "light",
        "firmwareVersion": "software_version",
        "hardwareVersion": "hardware_version",
        "workMode": "work_mode",
        "positioningStrategy": "positioning_strategy",
        "heartbeatInterval": "heartbeat_interval",
        "periodicInterval": "uplink_interval",
        "eventInterval": "event_mode_uplink_interval",
        "sensorEnabled": "temp_light_switch",
        "sosMode": "sos_mode",
        "errorCode": "error_code",
        "error": NotOurs("akenza's text for the error code; the packet carries only the code"),
    },
    # Elsys (akenza names -> the Elsys payload document's names)
    "elsys/ers-lite": {
        "temperature": "temperature",
        "humidity": "humidity",
        "batteryVoltage": Scaled("vdd", 0.001),  # akenza in V, the payload in mV
        "batteryLevel": OUR_BATTERY_ESTIMATE,
    },
    # Milesight (akenza names -> the user guides' channel names; `{topic}` is akenza's line)
    "milesight-iot/vs133": {
        "totalCounterIn": "{topic}.total_in",
        "totalCounterOut": "{topic}.total_out",
        "periodicCounterIn": "{topic}.period_in",
        "periodicCounterOut": "{topic}.period_out",
        **{f"region{n}Count": f"region_{n}_count" for n in range(1, 5)},
        **{f"region{n}AvgDwell": f"region_{n}_avg_dwell" for n in range(1, 5)},
        **{f"region{n}MaxDwell": f"region_{n}_max_dwell" for n in range(1, 5)},
    },
    # Field decoders (end)
    # Shared-set devices without a TTN id (shared-a): names from the vendors' documents.
    "sentinum/febris-co2": {
        "baseId": "base_id",
        "majorVersion": "major_version",
        "minorVersion": "minor_version",
        "productVersion": "product_version",
        "upCnt": "up_cnt",
        "batteryVoltage": "battery_voltage",
        "batteryLevel": AKENZA_BATTERY_LEVEL,
        "internalTemperature": "internal_temperature",
        "humidity": "humidity",
        "pressure": "pressure",
        "co2": "co2_ppm",
        "alarm": "alarm_level",
        "dewPoint": "dew_point",
    },
    "inbiot/well-lora": {
        "type": "type",
        "temperature": "temperature",
        "humidity": "humidity",
        "co2": "co2",
        "tvoc": "tvoc",
        "pm1": "pm1_0",
        "pm2_5": "pm2_5",
        "pm4": "pm4",
        "pm10": "pm10",
        "ch2o": "ch2o",
        "o3Status": "o3",
        "no2Status": "no2",
        "coStatus": "co",
        "vIndex": "vIndex",
        "tIndex": "tIndex",
        "virusIndex": "virusIndex",
        "iaqIndex": "iaqIndex",
        "moldIndexStatus": "moldIndex",
        "noiseStatus": NotOurs("byte 37: inBiot documents no noise field, only a 0xFF marker"),
        "counter": "counter",
    },
    # shared-b: names (begin)
    "elvaco/cmi4110": {
        "energyUnit": NotOurs("akenza's label of the energy unit; our energy field is always kWh"),
        "energy": "energy",
        "volume": "volume",
        "power": Scaled("power", 0.001),  # akenza reports kW, the record's unit is W
        "flow": "flow",
        "flowTemp": "forward_temperature",
        "backFlowTemp": "return_temperature",
        "header": "message_format_name",
        "serialID": "meter_id",
        "errFlags": "error_flags",
    },
    "sept-s/tg563a": {
        "longTelegramEnabled": "additional_data_enabled",
        "majorFaultsAlertEnabled": "hardware_failure_event_enabled",
        "minorFaultsAlertEnabled": "obstruction_event_enabled",
        "periodicity": "transmission_periodicity",
        "smokeAlertEnabled": "smoke_event_enabled",
        "batteryFault": "low_battery",
        "aacFault": NotOurs("no status bit of the manual answers to this name unambiguously"),
        "aacInactive": "too_long_inactivity",
        "dayMode": "brightness",
        "foulingSmokeFault": "fouled_smoke_chamber",
        "frameType": NotOurs("akenza's label for MessageType 0xF (ours: message_type_name)"),
        "hwIrAntimaskFault": "infrared_sensor_failure",
        "hwUsAntimaskFault": "ultrasonic_sensor_failure",
        "irAntimask": "air_inlet_covered",
        "usAntimask": "obstacle_detected",
        "mounted": "mounted",
        "smokeAlarm": "smoke_alarm",
        "temperature": "temperature",
        "tempOutOfRange": "temperature_out_of_range",
        "tooLongUnmounted": "too_long_unmounted",
        "batteryVoltage": "battery_level",
        "installationDate": "installation_date",
        "productionDate": "production_date",
        "serialNumber": "serial_number",
        "version": NotOurs("akenza field with no counterpart in the manual's frame layout"),
    },
    # shared-b: names (end)
    # Sensative (akenza names -> the names of Sensative's own translators)
    "sensative/strips": {
        "historySeqNr": "historySeqNr",
        "prevHistSeqNr": "prevHistSeqNr",
        "doorAlarm": "doorAlarm",
        "temperature": "temperature",
        "closed": NotOurs(
            "akenza's negation of the door report byte (`closed = !byte`); ours keeps "
            "Sensative's `door` boolean, whose polarity the strip's INVERT_DOOR setting decides"
        ),
    },
    "cayenne/lpp": {
        "channel": NotOurs("the LPP channel is part of our field name (`temperature_3`)"),
        "temperature": "temperature_{channel}",
        "accX": "accelerometer_{channel}.x",
        "accY": "accelerometer_{channel}.y",
        "accZ": "accelerometer_{channel}.z",
        "latitude": "gps_{channel}.latitude",
        "longitude": "gps_{channel}.longitude",
        "altitude": "gps_{channel}.altitude",
    },
}

# ChirpStack field -> our field, where the names differ (identity otherwise; Decentlab's
# ChirpStack codecs use the datasheet names, as we do).
CHIRPSTACK_NAMES: dict[str, dict[str, Target]] = {
    # shared-b: chirpstack names (begin)
    "sept-s/tg563a": {
        "messageType": NotOurs("the codec's label for MessageType 0xF (ours: message_type_name)"),
        "configuration.rawValue": NotOurs("the codec's hex text of the byte (ours: configuration)"),
        "configuration.transmissionPeriod": "transmission_periodicity",
        **{
            f"configuration.{camel}": AsBit(snake)
            for camel, snake in (
                ("additionalDataEnabled", "additional_data_enabled"),
                ("obstructionEventEnabled", "obstruction_event_enabled"),
                ("hardwareFailureEventEnabled", "hardware_failure_event_enabled"),
                ("smokeEventEnabled", "smoke_event_enabled"),
            )
        },
        **{
            f"status.{camel}": AsBit(snake)
            for camel, snake in (
                ("mounted", "mounted"),
                ("brightness", "brightness"),
                ("temperatureOutOfRange", "temperature_out_of_range"),
                ("obstacleDetected", "obstacle_detected"),
                ("airInletCovered", "air_inlet_covered"),
                ("tooLongInactivity", "too_long_inactivity"),
                ("tooLongUnmounted", "too_long_unmounted"),
                ("smokeAlarm", "smoke_alarm"),
                ("batteryLow", "low_battery"),
                ("smokeChamberFailure", "smoke_chamber_failure"),
                ("fouledSmokeChamber", "fouled_smoke_chamber"),
                ("ultrasonicSensorFailure", "ultrasonic_sensor_failure"),
                ("infraredSensorFailure", "infrared_sensor_failure"),
                ("buzzerFailure", "buzzer_failure"),
            )
        },
        "batteryLevel": "battery_level",
        "serialNumber": "serial_number",
        "productionDate": "production_date",
        "installationDate": "installation_date",
        "runningTimeCounter": "running_time_counter",
        "smokeAlarmTimeCounter": "smoke_alarm_time_counter",
        "testAlarmTimeCounter": "test_alarm_time_counter",
        "faultTimeCounter": "fault_time_counter",
        "smokeAlarmCounter": "smoke_alarm_counter",
        "testAlarmCounter": "test_alarm_counter",
        "smokeErrorCounter": "smoke_error_counter",
        "lowBatteryCounter": "low_battery_counter",
        "smokeAlarmDeactivationCounter": "smoke_alarm_deactivation_counter",
        "faultDeactivationCounter": "fault_deactivation_counter",
        "mountingCounter": "mounting_counter",
        "energyUsage": "energy_usage",
        "lightGuideDirtiness": "light_guide_dirtiness",
        "foulingSmokeChamber": "fouling_smoke_chamber",
        "minimumTemperature": "minimum_temperature",
        "maximumTemperature": "maximum_temperature",
        "distanceThreshold": "distance_threshold",
    },
    # shared-b: chirpstack names (end)
    "browan/tbhh100": {
        "fPort": NotOurs("the ChirpStack codec echoes the uplink's port into its output"),
        "battery_volt": "battery",
        "thh_type": NotOurs("a ChirpStack codec variant selector, not a payload field"),
        "CO2": "co2",
        "VOC": "voc",
    },
}


def _type_of(device: Mapping[str, Any]) -> str | None:
    if device["ttn_id"] in CATALOG:
        return str(device["ttn_id"])
    return CODEC_TYPES.get((device["source"], device["path"]))


CASES = [
    pytest.param(type_id, device, case, id=f"{type_id}::{device['source'].split('/')[0]}::{i}")
    for device in VECTORS["devices"]
    if (type_id := _type_of(device)) is not None
    for i, case in enumerate(device["cases"])
]


def _port(type_id: str, case: Mapping[str, Any]) -> int:
    if case["fport"] is not None:
        return int(case["fport"])
    ports = sorted(CATALOG[type_id].f_ports)
    return ports[0] if ports else 1  # Decentlab and LPP ignore it; both send on fPort 1


_MISSING = object()


def _lookup(fields: Mapping[str, Any], path: str) -> Any:
    value: Any = fields
    for part in path.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]  # a list index, as in `payloads.0.id`
        elif isinstance(value, Mapping) and part in value:
            value = value[part]
        else:
            return _MISSING
    return value


def _close(ours: Any, expected: Any, *, decimals_tolerance: bool) -> bool:
    if isinstance(expected, bool) or isinstance(ours, bool):
        return ours is expected
    if isinstance(expected, (int, float)) and isinstance(ours, (int, float)):
        tolerance = 1e-9 + 1e-12 * abs(expected)
        if decimals_tolerance:  # akenza rounds; allow half a unit of its last decimal
            exponent = Decimal(repr(float(expected))).as_tuple().exponent
            assert isinstance(exponent, int)
            tolerance = max(tolerance, 0.5000001 * 10.0**exponent)  # ties round either way
        return math.isclose(ours, expected, rel_tol=0, abs_tol=tolerance)
    return bool(ours == expected)


def _deviation(type_id: str, source: str, case: str, field: str) -> Mapping[str, Any] | None:
    for entry in DEVIATIONS["deviations"]:
        if (entry["type_id"], entry["source"], entry["case"], entry["field"]) == (
            type_id,
            source,
            case,
            field,
        ):
            return dict(entry)
    return None


@dataclass
class Outcome:
    """What comparing one case found: problems, and the deviation entries it relied on."""

    problems: list[str]
    used: list[tuple[str, str, str, str]]


def _check_field(
    outcome: Outcome,
    ids: tuple[str, str, str],
    decoded: Decoded,
    name: str,
    expected: Any,
    target: Target,
    *,
    decimals_tolerance: bool,
    channel: Any = None,
    topic: Any = None,
) -> str | None:
    """Compare one source field; returns the our-side field name it covered, if any."""
    type_id, source, description = ids
    if isinstance(target, NotOurs):
        return None
    if isinstance(target, AsBit):
        path, factor = target.path, 1.0
    else:
        path, factor = (target.path, target.factor) if isinstance(target, Scaled) else (target, 1.0)
    path = path.format(channel=channel, topic=topic)
    ours = _lookup(decoded.fields, path)
    if isinstance(target, AsBit) and isinstance(ours, bool):
        ours = int(ours)
    if isinstance(ours, (int, float)) and not isinstance(ours, bool):
        ours = ours * factor
    deviation = _deviation(type_id, source, description, name)
    if deviation is not None:
        outcome.used.append((type_id, source, description, name))
        recorded = _MISSING if deviation["ours"] is None else deviation["ours"]
        if deviation["expected"] != expected:
            outcome.problems.append(f"{name}: deviation entry's expected value is stale")
        if ours is not recorded and not _close(ours, recorded, decimals_tolerance=False):
            outcome.problems.append(f"{name}: deviation says ours={deviation['ours']}, got {ours}")
        if _close(ours, expected, decimals_tolerance=decimals_tolerance):
            outcome.problems.append(f"{name}: recorded as a deviation but now matches")
        return path.split(".")[0]
    if ours is _MISSING:
        outcome.problems.append(f"{name}: no field {path!r} in {sorted(decoded.fields)}")
    elif not _close(ours, expected, decimals_tolerance=decimals_tolerance):
        outcome.problems.append(f"{name}: expected {expected!r}, ours {path}={ours!r}")
    return path.split(".")[0]


def _flattened(data: Mapping[str, Any], names: Mapping[str, Target]) -> list[tuple[str, Any]]:
    """The source's fields; a nested object the table maps key by key (`status.mounted`) is
    compared key by key, any other value as a whole."""
    items: list[tuple[str, Any]] = []
    for name, value in data.items():
        if isinstance(value, Mapping) and any(key.startswith(f"{name}.") for key in names):
            items.extend(_flattened({f"{name}.{k}": v for k, v in value.items()}, names))
        else:
            items.append((name, value))
    return items


def compare(type_id: str, device: Mapping[str, Any], case: Mapping[str, Any]) -> Outcome:
    """Decode one shared vector and compare it with the source's expectation."""
    source, description = device["source"], case["description"]
    ids = (type_id, source, description)
    decoded = decode(type_id, _port(type_id, case), bytes.fromhex(case["hex"]))
    outcome = Outcome([], [])
    expected = case["expected"]
    if device["expected_format"] == "chirpstack_decode":
        if expected.get("errors"):
            if not decoded.errors:
                outcome.problems.append("source expects errors; decoder accepted the payload")
            return outcome
        if decoded.errors:
            outcome.problems.append(f"decoder errors: {decoded.errors}")
            return outcome
        names = CHIRPSTACK_NAMES.get(type_id, {})
        covered = set()
        for name, value in _flattened(expected["data"], names):
            if isinstance(value, Mapping) and "value" in value:  # Decentlab's wrapped values
                value = value["value"]
            target = names.get(name, name)
            field = _check_field(
                outcome, ids, decoded, name, value, target, decimals_tolerance=False
            )
            if field is not None:
                covered.add(field)
        extras = set(decoded.fields) - covered
        for entry in DEVIATIONS["extra_fields"]:
            if (entry["type_id"], entry["source"]) == (type_id, source):
                extras -= set(entry["fields"])
        if extras:
            outcome.problems.append(f"fields the source does not expect: {sorted(extras)}")
        return outcome
    if decoded.errors:
        outcome.problems.append(f"decoder errors: {decoded.errors}")
        return outcome
    names = AKENZA_NAMES[type_id]
    for emit in expected["emits"]:
        if emit.get("type") not in ("sample", None) or "data" not in emit:
            continue  # akenza platform state/log emits have no counterpart in a decoder
        for name, value in emit["data"].items():
            if name not in names:
                outcome.problems.append(f"akenza field {name!r} has no mapping entry")
                continue
            _check_field(
                outcome,
                ids,
                decoded,
                name,
                value,
                names[name],
                decimals_tolerance=True,
                channel=emit["data"].get("channel"),
                topic=emit.get("topic"),
            )
    return outcome


@pytest.mark.parametrize(("type_id", "device", "case"), CASES)
def test_vendor_example(type_id: str, device: Mapping[str, Any], case: Mapping[str, Any]) -> None:
    outcome = compare(type_id, device, case)
    assert not outcome.problems, outcome.problems


def test_every_deviation_is_still_needed() -> None:
    used = {entry for param in CASES for entry in compare(*param.values).used}
    recorded = {
        (e["type_id"], e["source"], e["case"], e["field"]) for e in DEVIATIONS["deviations"]
    }
    assert recorded == used
    for entry in [*DEVIATIONS["deviations"], *DEVIATIONS["extra_fields"]]:
        assert entry["reason"].strip(), entry
        assert entry["type_id"] in CATALOG


def test_coverage_of_our_decoders() -> None:
    covered_types = {param.values[0] for param in CASES}
    ours_with_vectors = {
        t
        for device in VECTORS["devices"]
        for t in [device["ttn_id"], CODEC_TYPES.get((device["source"], device["path"]))]
        if t in CATALOG
    }
    assert covered_types == ours_with_vectors
    assert len(CASES) >= len(ours_with_vectors), (len(CASES), sorted(ours_with_vectors))
    # The three required device decoders and the LPP format all have shared vectors.
    assert {"dragino/lse01", "decentlab/dl-pr26", "browan/tbhh100", "cayenne/lpp"} <= covered_types


def test_vendored_data_is_complete() -> None:
    data = HERE / "data"
    for source in VECTORS["sources"]:
        licence = data / source["license_file"]
        assert licence.is_file() and "MIT" in licence.read_text(encoding="utf-8")
    assert (data / "README.md").is_file()
