#!/usr/bin/env python3
"""The cost of the cross-document checks per document, as the corpus grows.

    python bench/near_duplicates.py                 # N = 200, 1000, 2000
    python bench/near_duplicates.py --docs 200 --docs 500

Builds N template-made reports (four templates of our own, each copy with its own place, year
and numbers; one report in ten written from random words, so unique), runs the pipeline on them
once (not timed), then times what a run's main process does with them: `digest` of each result
plus `CorpusIndex.add_digest`, then `CorpusIndex.finish` (every cross-document check). Prints,
for each N, the milliseconds per document (digest and index, then the checks) and the flags per
document (by check). The N reports
are the first N of one shuffled corpus, so the shares of templates and unique reports stay the
same from one N to the next."""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract import process_file  # noqa: E402
from extract.audit.corpus import CorpusIndex, digest  # noqa: E402

PLACES = [a + b for a in "青石 柳湾 白沙 桂园 枫林 松岗 梅溪 竹园 杏坛 荷塘 云岭 石门 丹桂 金沙 银杏 翠屏 龙泉 凤鸣 鹤山 鹿岭".split()
          for b in ("街道", "镇", "社区")]
TEMPLATES = [
    "{place}{year}年社区建设工作总结\n"
    "{year}年，{place}在区委区政府的坚强领导下，紧紧围绕建设和谐宜居社区的目标，扎实推进各项工作。\n"
    "{place}下辖{a}个社区，常住人口{b}万人，辖区居民{c}户。\n"
    "一是强化组织引领，健全街道党工委、社区党委、网格党支部三级联动的工作架构，推动资源下沉到一线。\n"
    "二是完善服务阵地，新建改建党群服务中心{d}处，总面积{e}平方米，实现便民服务事项就近办理。\n"
    "三是壮大工作力量，通过公开招聘充实社区工作者{f}名，组织集中轮训{g}场次，队伍素质明显提升。\n"
    "四是丰富居民生活，依托新时代文明实践站开展文化体育活动，参与居民累计{h}人次，邻里关系更加融洽。\n"
    "五是加强安全管理，定期开展消防安全隐患排查，督促整改问题{i}处，辖区保持平安稳定的良好局面。\n"
    "全年投入社区建设资金{j}万元，其中财政资金{k}万元，社会捐赠{l}万元。\n"
    "下一步，我们将继续坚持问题导向，补齐服务短板，推动社区治理体系和治理能力现代化再上新台阶。\n",
    "关于{place}创建和谐社区示范单位的情况汇报\n"
    "按照上级关于开展和谐社区示范创建活动的部署要求，{place}高度重视，迅速行动，现将有关情况汇报如下。\n"
    "{place}辖区面积{a}平方公里，共有{b}个社区，户籍人口{c}人。\n"
    "我们成立了由主要负责同志任组长的创建工作领导小组，制定实施方案，明确责任分工和时间节点。\n"
    "社区综合服务设施面积达到{d}平方米，设置了老年日间照料室、儿童之家、图书阅览室等功能场所。\n"
    "组建志愿服务队伍{e}支，注册志愿者{f}人，常态化开展助老助残、环境整治和矛盾调解等服务。\n"
    "推行网格化管理，划分基础网格{g}个，配备专兼职网格员{h}名，做到小事不出网格、大事不出社区。\n"
    "创建工作中还存在居民参与不够广泛、社会组织发育不够充分等问题，需要在今后的工作中认真加以解决。\n",
    "{place}{year}年度老年人关爱服务自查报告\n"
    "根据民政部门开展养老服务质量自查的通知精神，我们对照检查标准逐项开展了自查，现将结果报告如下。\n"
    "辖区现有六十周岁以上老年人{a}人，其中独居和空巢老人{b}人，失能半失能老人{c}人。\n"
    "建成社区嵌入式养老服务站{d}个，床位{e}张，为高龄老人提供助餐、助浴、助医等上门服务。\n"
    "落实高龄津贴和困难老人补贴政策，全年发放各类补贴资金{f}万元，做到应发尽发、精准到人。\n"
    "依托专业社会工作机构开展探访关爱活动，建立一人一档服务台账，累计探访{g}人次。\n"
    "自查发现部分服务站专业护理人员不足，服务项目单一，下一步将通过政府购买服务方式加以改进。\n",
    "{place}网格化服务管理工作经验材料\n"
    "近年来，{place}坚持把网格作为基层治理的基本单元，探索形成了一网统管、多元共治的工作模式。\n"
    "全域划分综合网格{a}个、专属网格{b}个，每个网格明确一名网格长和若干名网格员，责任落实到人。\n"
    "建立信息采集、问题上报、分流处置、结果反馈的闭环流程，全年受理各类事项{c}件，办结率{d}%。\n"
    "整合综治、城管、市场监管等部门力量下沉网格，推动执法服务资源向一线集中，群众反映的问题得到及时解决。\n"
    "开发网格员移动工作平台，实现走访记录、隐患上报和政策宣传一键完成，工作效率显著提高。\n"
    "通过网格化服务管理，{place}社区治理的精细化水平不断提升，居民群众的获得感和安全感持续增强。\n",
]
WORDS = ("居民 服务 社区 工作 推进 落实 开展 建设 完善 加强 提升 组织 活动 群众 治理 机制 平台 队伍 阵地 资源 "
         "整合 协调 监督 宣传 培训 走访 调解 帮扶 关爱 志愿 文化 体育 卫生 环境 安全 消防 养老 托育 就业 救助 "
         "物业 小区 楼栋 网格 党员 干部 群团 妇联 共青团 商户 学校 医院 企业 单位 项目 资金 设施 场所 标准 制度").split()


def unique_report(rng: random.Random, i: int) -> str:
    """A report of random words: it shares no long passage with any other."""
    lines = [f"{rng.choice(PLACES)}专项工作报告第{i}号"]
    for _ in range(10):
        lines.append("，".join("".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6))) for _ in range(4)) + "。")
    return "\n".join(lines) + "\n"


def template_report(rng: random.Random) -> str:
    """A copy of one of the templates with its own place, year and numbers."""
    numbers = {k: rng.randint(2, 900) for k in "abcdefghijkl"}
    return rng.choice(TEMPLATES).format(place=rng.choice(PLACES), year=rng.randint(2020, 2024), **numbers)


def build(n: int, folder: Path, seed: int = 0) -> list:
    """The pipeline's results of n generated reports (one in ten unique), in a shuffled order."""
    rng = random.Random(seed)
    results = []
    for i in range(n):
        text = unique_report(rng, i) if i % 10 == 9 else template_report(rng)
        path = folder / f"r{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        results.append(process_file(path))
    rng.shuffle(results)
    return results


def measure(results: list) -> tuple[float, float, Counter]:
    """Seconds to digest and index `results`, seconds to run every cross-document check, and the flags by check."""
    start = time.perf_counter()
    index = CorpusIndex()
    for r in results:
        index.add_digest(digest(r), r.document.text)
    middle = time.perf_counter()
    flags = index.finish()
    return middle - start, time.perf_counter() - middle, Counter(f.check for f in flags)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, action="append", help="corpus sizes (default 200, 1000, 2000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per size (the best is printed)")
    a = ap.parse_args()
    sizes = sorted(a.docs or [200, 1000, 2000])
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        results = build(sizes[-1], Path(tmp))
        print(f"built {len(results)} reports in {time.perf_counter() - t:.1f} s (not timed below)", file=sys.stderr)
    for n in sizes:
        runs = [measure(results[:n]) for _ in range(a.repeat)]
        digest_s, finish_s, by_check = min(runs, key=lambda r: r[0] + r[1])
        total = sum(by_check.values())
        checks = " ".join(f"{c}={by_check[c] / n:.2f}" for c in sorted(by_check))
        print(f"docs={n} ms_per_doc={(digest_s + finish_s) / n * 1000:.2f} (digest {digest_s / n * 1000:.2f}, "
              f"checks {finish_s / n * 1000:.2f}) flags_per_doc={total / n:.2f} {checks}")


if __name__ == "__main__":
    main()
