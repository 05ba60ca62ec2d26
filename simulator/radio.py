"""The LoRa radio model: EU868 channels, time on air, path loss, which gateways hear what.

- Time on air: the Semtech formula (SX1276 datasheet / AN1200.13) for LoRa at 125 kHz,
  coding rate 4/5, 8 preamble symbols, explicit header, CRC on, low-data-rate optimisation
  at SF11/SF12; the PHY payload is the FRMPayload plus 13 bytes of LoRaWAN framing
  (MHDR 1, FHDR 7, FPort 1, MIC 4).
- Path loss: log-distance, `PL(d) = PL(1 km) + 10 n log10(d / 1 km)`, with the 1 km loss
  falling with gateway antenna height (Hata-like height gain), an exponent per environment,
  extra loss for sensors indoors, in forest or in the ground, log-normal shadowing that is
  fixed per device-gateway pair (buildings, terrain) and a small per-uplink fast fading.
- A gateway demodulates when the SNR is above the spreading factor's floor; reported RSSI is
  signal plus noise (a gateway never reports much below its noise floor), SNR is clamped to
  what SX1301 concentrators report.
- ADR: the network picks the lowest SF whose demodulation floor plus an installation margin
  fits under the best gateway's average SNR, as TTN and ChirpStack do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# EU868: the three default channels (g1 sub-band, 868.0-868.6 MHz) and the five that TTN and
# ChirpStack add by CFList (g sub-band, 867.0-868.0 MHz); 1 % duty cycle in both sub-bands.
CHANNELS_HZ: tuple[int, ...] = (
    868_100_000,
    868_300_000,
    868_500_000,
    867_100_000,
    867_300_000,
    867_500_000,
    867_700_000,
    867_900_000,
)
DUTY_CYCLE = 0.01
FAIR_USE_S_PER_DAY = 30.0  # TTN fair-use policy: 30 s uplink airtime per device per day
BANDWIDTH_HZ = 125_000
LORAWAN_OVERHEAD = 13
JOIN_REQUEST_BYTES = 23  # PHY payload of a join-request

# Demodulation floor (SNR, dB) and the resulting sensitivity at 125 kHz (SX1276 datasheet).
SNR_FLOOR_DB: dict[int, float] = {7: -7.5, 8: -10.0, 9: -12.5, 10: -15.0, 11: -17.5, 12: -20.0}
NOISE_FLOOR_DBM = -174 + 10 * math.log10(BANDWIDTH_HZ) + 6.0  # kTB + 6 dB noise figure
TX_POWER_DBM = 14.0  # EU868 maximum EIRP for end devices
ANTENNA_GAINS_DB = 2.0  # device -2 dBi (small antenna) + gateway 4 dBi collinear
ADR_MARGIN_DB = 10.0
RSSI_BOUNDS = (-140.0, -25.0)

ENVIRONMENT_EXPONENT = {"town": 3.5, "farm": 3.0, "forest": 3.4, "river": 3.1}
EXTRA_LOSS_DB = {"indoor": 12.0, "forest": 6.0, "ground": 4.0, "outdoor": 0.0}


def section(frequency_hz: int) -> str:
    """The duty-cycle sub-band of an EU868 frequency."""
    return "g1" if 868_000_000 <= frequency_hz < 868_600_000 else "g"


def airtime_s(
    payload_len: int, sf: int, bw_hz: int = BANDWIDTH_HZ, phy_len: int | None = None
) -> float:
    """Time on air of a LoRa frame (Semtech formula), CR 4/5, explicit header, CRC on."""
    pl = phy_len if phy_len is not None else payload_len + LORAWAN_OVERHEAD
    t_sym = float(2**sf) / bw_hz
    de = 1 if sf >= 11 and bw_hz == 125_000 else 0
    coding_rate = 1  # 4/5
    n_payload = 8 + max(
        math.ceil((8 * pl - 4 * sf + 28 + 16 - 20 * 0) / (4 * (sf - 2 * de))) * (coding_rate + 4),
        0,
    )
    return (8 + 4.25) * t_sym + n_payload * t_sym


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6_371_000.0 * math.hypot(dlat, dlon)


def path_loss_db(d_m: float, gateway_height_m: float, environment: str) -> float:
    """Median path loss (no shadowing) of a ground-level sensor to a gateway antenna."""
    d_km = max(d_m, 10.0) / 1000.0
    exponent = ENVIRONMENT_EXPONENT.get(environment, 3.2)
    at_1km = 121.0 - 14.0 * math.log10(max(gateway_height_m, 2.0) / 30.0)
    return at_1km + 10.0 * exponent * math.log10(d_km)


def mean_signal_dbm(path_loss: float, extra_loss: float, shadowing: float) -> float:
    return TX_POWER_DBM + ANTENNA_GAINS_DB - path_loss - extra_loss + shadowing


def adr_spreading_factor(best_snr_db: float, margin_db: float = ADR_MARGIN_DB) -> int:
    """The lowest SF whose demodulation floor plus margin fits under the best average SNR."""
    for sf in range(7, 13):
        if best_snr_db - SNR_FLOOR_DB[sf] >= margin_db:
            return sf
    return 12


@dataclass(frozen=True, slots=True)
class Heard:
    rssi: int
    snr: float


def reception(signal_dbm: float, sf: int, fading_db: float) -> Heard | None:
    """What one gateway makes of a frame arriving with `signal_dbm` (median + shadowing)."""
    s = signal_dbm + fading_db
    noise = NOISE_FLOOR_DBM
    snr = s - noise
    if snr < SNR_FLOOR_DB[sf]:
        return None
    rssi = 10.0 * math.log10(10 ** (s / 10.0) + 10 ** (noise / 10.0))
    rssi = min(max(rssi, RSSI_BOUNDS[0]), RSSI_BOUNDS[1])
    return Heard(rssi=round(rssi), snr=round(min(max(snr, -20.0), 13.5), 1))
