"""The registry of Python decoders and the one entry point that never raises on bad bytes."""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from decoders import battery, cayenne_lpp, quantities
from decoders.errors import DecodeError
from decoders.model import Decoded, DecoderSpec
from decoders.vendors.abeeway import abeeway_compact_tracker
from decoders.vendors.adeunis import pulse_4
from decoders.vendors.alpha_omega_technology import klax
from decoders.vendors.bosch import tps110
from decoders.vendors.browan import cd10, tbhh100, tbsl100
from decoders.vendors.decentlab import (
    dl_atm22,
    dl_atm41,
    dl_ds18,
    dl_isf,
    dl_itst,
    dl_lid,
    dl_lp8p,
    dl_lws,
    dl_mbx,
    dl_par,
    dl_pm,
    dl_pr26,
    dl_pyr,
    dl_rad,
    dl_sdd,
    dl_sht35_001,
    dl_smtp,
    dl_tbrg,
    dl_tp,
    dl_trs11,
    dl_trs12,
    dl_trs21,
    dl_zn1,
    dl_zn2,
)
from decoders.vendors.dingtek import df703
from decoders.vendors.dragino import (
    dds20_lb,
    ldds75,
    lds02,
    lgt92,
    lht65,
    lht65n,
    llms01,
    lse01,
    lsnpk01,
    lsph01,
)
from decoders.vendors.elsys import elt_2, ers, ers_co2, ers_lite
from decoders.vendors.elvaco import cmi4110
from decoders.vendors.enginko import egk_lw20w00
from decoders.vendors.gwf import rcm_lrw10
from decoders.vendors.imbuildings import imbuildings_people_counter
from decoders.vendors.inbiot import well_lora
from decoders.vendors.keller import adt1_tube
from decoders.vendors.laird import rs1xx_temp_rh_sensor
from decoders.vendors.mclimate import ht_sensor
from decoders.vendors.milesight_iot import am308, em300_th, em500_co2, em500_smtc, vs133, wts506
from decoders.vendors.netvox import r711, r718ea, ra02a
from decoders.vendors.nwave import nps405sm
from decoders.vendors.opensource import esp32_paxcounter
from decoders.vendors.pmx import tcr
from decoders.vendors.sensative import strips
from decoders.vendors.sensecap import (
    sensecaps2101_temp_humid,
    sensecaps2102_light,
    sensecaps2103_co2_temp_humid,
    sensecaps2104_soil_moisture_temp,
    sensecaps2105_soll_moisture_temp_ec,
    sensecaps2120_8_in_1,
    sensecapt1000_tracker_ab,
)
from decoders.vendors.sentinum import febris_co2
from decoders.vendors.sept_s import tg563a
from decoders.vendors.talkpool import oy1110, oy1700
from decoders.vendors.tektelic import t000489x_smart_room_base
from decoders.vendors.uradmonitor import model_a3
from decoders.vendors.vega import vegapuls_air_41

PYTHON_DECODERS: tuple[DecoderSpec, ...] = (
    cayenne_lpp.SPEC,
    abeeway_compact_tracker.SPEC,
    pulse_4.SPEC,
    klax.SPEC,
    tps110.SPEC,
    cd10.SPEC,
    tbhh100.SPEC,
    tbsl100.SPEC,
    dl_atm22.SPEC,
    dl_atm41.SPEC,
    dl_ds18.SPEC,
    dl_isf.SPEC,
    dl_itst.SPEC,
    dl_lid.SPEC,
    dl_lp8p.SPEC,
    dl_lws.SPEC,
    dl_mbx.SPEC,
    dl_par.SPEC,
    dl_pm.SPEC,
    dl_pr26.SPEC,
    dl_pyr.SPEC,
    dl_rad.SPEC,
    dl_sdd.SPEC,
    dl_sht35_001.SPEC,
    dl_smtp.SPEC,
    dl_tbrg.SPEC,
    dl_tp.SPEC,
    dl_trs11.SPEC,
    dl_trs12.SPEC,
    dl_trs21.SPEC,
    dl_zn1.SPEC,
    dl_zn2.SPEC,
    df703.SPEC,
    dds20_lb.SPEC,
    ldds75.SPEC,
    lds02.SPEC,
    lht65.SPEC,
    lht65n.SPEC,
    lse01.SPEC,
    lgt92.SPEC,
    llms01.SPEC,
    lsnpk01.SPEC,
    lsph01.SPEC,
    egk_lw20w00.SPEC,
    elt_2.SPEC,
    ers.SPEC,
    ers_co2.SPEC,
    ers_lite.SPEC,
    cmi4110.SPEC,
    rcm_lrw10.SPEC,
    imbuildings_people_counter.SPEC,
    adt1_tube.SPEC,
    well_lora.SPEC,
    rs1xx_temp_rh_sensor.SPEC,
    ht_sensor.SPEC,
    em300_th.SPEC,
    em500_co2.SPEC,
    em500_smtc.SPEC,
    am308.SPEC,
    vs133.SPEC,
    wts506.SPEC,
    r711.SPEC,
    r718ea.SPEC,
    ra02a.SPEC,
    nps405sm.SPEC,
    esp32_paxcounter.SPEC,
    tcr.SPEC,
    febris_co2.SPEC,
    strips.SPEC,
    sensecaps2101_temp_humid.SPEC,
    sensecaps2102_light.SPEC,
    sensecaps2103_co2_temp_humid.SPEC,
    sensecaps2104_soil_moisture_temp.SPEC,
    sensecaps2105_soll_moisture_temp_ec.SPEC,
    sensecaps2120_8_in_1.SPEC,
    sensecapt1000_tracker_ab.SPEC,
    oy1110.SPEC,
    oy1700.SPEC,
    t000489x_smart_room_base.SPEC,
    model_a3.SPEC,
    vegapuls_air_41.SPEC,
    tg563a.SPEC,
)
"""Every hand-written decoder, listed explicitly: no import-time registration side effects."""

CATALOG: Mapping[str, DecoderSpec] = MappingProxyType({s.type_id: s for s in PYTHON_DECODERS})
"""Decoders by device type id (the TTN device repository's `vendor/model`)."""


def decode(type_id: str, f_port: int, payload: bytes) -> Decoded:
    """Decode one payload. Bad bytes come back as `errors`, never as exceptions.

    Readings outside their quantity's plausible range are kept and flagged in `notes`, so
    the storage layer keeps them without treating them as truth. A type that declares its
    battery pack also gets the platform's level estimate (`decoders.battery`).
    """
    spec = CATALOG.get(type_id)
    if spec is None:
        return Decoded(errors=(f"no decoder for device type {type_id!r}",))
    if spec.f_ports and f_port not in spec.f_ports:
        ports = ", ".join(str(p) for p in sorted(spec.f_ports))
        return Decoded(errors=(f"unknown fPort {f_port} for {type_id} (expects {ports})",))
    if spec.codec_js is not None:
        from decoders.js import decode_js, resolve_codec_path  # never raises; flags readings

        decoded = decode_js(resolve_codec_path(spec.codec_js), f_port, bytes(payload))
        return decoded if spec.battery is None else battery.with_estimate(spec.battery, decoded)
    try:
        decoded = spec.decode(bytes(payload), f_port)
    except DecodeError as exc:
        return Decoded(errors=(f"{type_id}: {exc}",))
    except (IndexError, struct.error):
        return Decoded(errors=(f"payload too short for {type_id}: {len(payload)} bytes",))
    if spec.battery is not None:  # a voltage-only device with a documented pack
        decoded = battery.with_estimate(spec.battery, decoded)
    return _flag_implausible(decoded)


def _flag_implausible(decoded: Decoded) -> Decoded:
    if all(quantities.is_known_and_plausible(r.quantity, r.value) for r in decoded.readings):
        return decoded  # the common case, on the ingest path: nothing to add
    notes = list(decoded.notes)
    for reading in decoded.readings:
        quantity = quantities.QUANTITIES.get(reading.quantity)
        if quantity is None:
            notes.append(f"{reading.quantity} is not in the quantity vocabulary")
        elif not quantities.is_plausible(reading.quantity, reading.value):
            notes.append(
                f"{reading.quantity} {reading.value} {quantity.unit} outside plausible range "
                f"{quantity.minimum:g}..{quantity.maximum:g}"
            )
    if len(notes) == len(decoded.notes):
        return decoded
    return replace(decoded, notes=tuple(notes))


def reported_quantities(spec: DecoderSpec) -> frozenset[str]:
    """What `decode` can return for this type: the decoder's own quantities and the estimate."""
    return spec.quantities if spec.battery is None else spec.quantities | {battery.QUANTITY}


def list_decoders() -> list[dict[str, Any]]:
    """What `smartregion decoders list` prints: one JSON-ready object per decoder, by id."""
    return [
        {
            "id": spec.type_id,
            "vendor": spec.vendor,
            "model": spec.model,
            "category": spec.category,
            "f_ports": sorted(spec.f_ports),
            "quantities": sorted(reported_quantities(spec)),
            "source": spec.source,
        }
        for spec in sorted(PYTHON_DECODERS, key=lambda s: s.type_id)
    ]
